/**
 * Reading answers the person types (or a script pipes in). Questions go to stderr so stdout
 * stays clean for `--json`; a hidden answer is never echoed.
 */
import { createInterface } from 'node:readline/promises';
import { CliError, EXIT } from './errors';

/** Everything piped to stdin, as lines without their line ends; trailing empty lines dropped. */
export async function readStdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const lines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1)?.trim() === '') lines.pop();
  return lines;
}

export async function askVisible(question: string): Promise<string> {
  const reader = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await reader.question(question);
  } finally {
    reader.close();
  }
}

const ENTER = new Set(['\r', '\n', '\u0004']);
const CTRL_C = '\u0003';
const BACKSPACE = new Set(['\u007f', '\b']);

/** Asks on a terminal without echoing what is typed (raw mode: the terminal shows nothing). */
export function askHidden(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let answer = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
    };
    const onData = (typed: string) => {
      for (const character of typed) {
        if (ENTER.has(character)) {
          finish();
          resolve(answer);
          return;
        }
        if (character === CTRL_C) {
          finish();
          reject(new CliError(EXIT.usage, 'Canceled: nothing was saved.'));
          return;
        }
        answer = BACKSPACE.has(character) ? answer.slice(0, -1) : answer + character;
      }
    };
    input.on('data', onData);
  });
}
