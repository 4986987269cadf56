import type { PipelineEmitter, Waiting } from '../pipeline/index';

export interface OutputMode {
  json: boolean;
  /** A terminal: one progress line rewritten in place. */
  tty: boolean;
}

/**
 * How the CLI talks. For `--json`, a command that answers once (a listing, a show, an add) prints
 * one JSON document (an array or an object, `document`); a command that streams (watch, generate,
 * reproduce, retry, demo) prints JSON Lines, one event object per line (`line`, `follow`). A
 * terminal gets a single progress line rewritten in place, a pipe gets plain lines. Errors go to
 * stderr.
 */
export class Output {
  readonly #mode: OutputMode;
  #progressShown = false;
  readonly #counts = { added: 0, done: 0, failed: 0 };

  constructor(mode: OutputMode) {
    this.#mode = mode;
  }

  get json(): boolean {
    return this.#mode.json;
  }

  /** A listing or a show: its lines for people, or one JSON document (an array or an object) for --json. */
  document(lines: readonly string[], data: unknown): void {
    this.#clearProgress();
    process.stdout.write(this.#mode.json ? `${JSON.stringify(data)}\n` : lines.map((text) => `${text}\n`).join(''));
  }

  /** A result line: text for people, the object for --json (one line of a stream). */
  line(text: string, data?: Record<string, unknown>): void {
    this.#clearProgress();
    if (this.#mode.json) process.stdout.write(`${JSON.stringify(data ?? { message: text })}\n`);
    else process.stdout.write(`${text}\n`);
  }

  error(text: string, details: string[] = []): void {
    this.#clearProgress();
    if (this.#mode.json) process.stderr.write(`${JSON.stringify({ error: text, details })}\n`);
    else process.stderr.write(`${[text, ...details.map((detail) => `  ${detail}`)].join('\n')}\n`);
  }

  /** Something the person should know before relying on the result; stderr, like errors. */
  warn(text: string): void {
    this.#clearProgress();
    if (this.#mode.json) process.stderr.write(`${JSON.stringify({ warning: text })}\n`);
    else process.stderr.write(`Warning: ${text}\n`);
  }

  /** Prints the pipeline's events as they come. Returns the unsubscribe. */
  follow(events: PipelineEmitter, currentHold: Waiting | null = null): () => void {
    const offs = [
      events.on('job.added', (event) => {
        this.#counts.added += 1;
        this.#event('added', event, `queued    #${event.generationId} ${event.inputName} (${event.presetName})`);
      }),
      events.on('job.state', (event) => {
        // Every end and every hold of a generation gets a line; done and failed have their own events.
        if (this.#mode.json) this.#event('state', event, '');
        else if (event.state === 'outcome-unknown') {
          this.line(`unknown   #${event.generationId}: ${event.message ?? 'Scenario did not say whether it received this generation.'} Check Scenario's web app, then \`retry ${event.generationId}\` to send it again (it may be charged again).`);
        } else if (event.state === 'canceled') this.line(`canceled  #${event.generationId}${event.message ? `: ${event.message}` : ''}`);
        else this.#progress(`#${event.generationId} ${event.state}`);
      }),
      events.on('job.progress', (event) => {
        if (this.#mode.json) this.#event('progress', event, '');
        else if (event.progress !== null) this.#progress(`#${event.generationId} ${Math.round(event.progress * 100)}%`);
      }),
      events.on('job.done', (event) => {
        this.#counts.done += 1;
        this.#event('done', event, `done      #${event.generationId} → ${event.imagePaths.join(', ')}`);
      }),
      events.on('job.failed', (event) => {
        this.#counts.failed += 1;
        this.#event('failed', event, `failed    #${event.generationId}: ${event.message}`);
      }),
      events.on('input.skipped', (event) => {
        // The engine's message names the window's setting; this is the command that changes it.
        const hint = event.reason === 'duplicate' && event.folder !== null ? ` From the command line: \`folders edit ${JSON.stringify(event.folder)} --allow-duplicates\`.` : '';
        this.#event('skipped', event, `skipped   ${event.path}: ${event.message}${hint}`);
      }),
      events.on('input.moved', (event) => this.#event('moved', event, `moved     ${event.from} → ${event.to}`)),
      events.on('queue.paused', (event) => this.#event('paused', event, `waiting   ${event.waiting.message}`)),
      events.on('queue.resumed', (event) => this.#event('resumed', event, `resumed   (was waiting: ${event.after})`)),
      events.on('warning', (event) => this.#event('warning', event, `warning   ${event.message}`)),
    ];
    // A hold found before anyone listened (the start's resume, the key check) is said now, in the
    // same turn as the subscription, so it is said once whichever came first.
    if (currentHold !== null) this.#event('paused', { waiting: currentHold }, `waiting   ${currentHold.message}`);
    return () => {
      for (const off of offs) off();
      this.#clearProgress();
    };
  }

  #event(name: string, payload: object, text: string): void {
    if (this.#mode.json) {
      process.stdout.write(`${JSON.stringify({ event: name, ...payload })}\n`);
      return;
    }
    this.line(text);
  }

  /** A progress line redrawn in place on a terminal (nothing elsewhere): a long task's bar. */
  status(text: string): void {
    if (!this.#mode.tty) return;
    const width = process.stdout.columns ?? 100;
    process.stdout.write(`\r\x1b[2K${text.slice(0, width - 1)}`);
    this.#progressShown = true;
  }

  #progress(latest: string): void {
    if (!this.#mode.tty) return;
    const { added, done, failed } = this.#counts;
    const text = `[${done}/${added} done${failed > 0 ? `, ${failed} failed` : ''}] ${latest}`;
    const width = process.stdout.columns ?? 100;
    process.stdout.write(`\r\x1b[2K${text.slice(0, width - 1)}`);
    this.#progressShown = true;
  }

  #clearProgress(): void {
    if (!this.#progressShown) return;
    process.stdout.write('\r\x1b[2K');
    this.#progressShown = false;
  }
}
