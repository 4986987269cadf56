/**
 * Collects finished and failed generations for a short while and turns them into one desktop
 * notification, so a folder of 200 files does not raise 200 toasts. No electron import: the
 * adapter passes a `show` function, and tests drive the clock.
 */
export interface Notice {
  title: string;
  body: string;
}

export interface NoticeBatcher {
  done(presetName: string): void;
  failed(presetName: string, userMessage: string): void;
  /** Shows what is pending now and stops the timer. */
  flush(): void;
}

export function describeBatch(done: readonly string[], failed: ReadonlyArray<{ presetName: string; userMessage: string }>): Notice | null {
  if (done.length === 0 && failed.length === 0) return null;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (failed.length === 0) {
    const presets = [...new Set(done)];
    return { title: `${plural(done.length, 'generation')} finished`, body: presets.length === 1 ? `Preset: ${presets[0]}` : `${presets.length} presets` };
  }
  const title = done.length === 0 ? `${plural(failed.length, 'generation')} failed` : `${done.length} finished, ${failed.length} failed`;
  const first = failed[0];
  return { title, body: failed.length === 1 && first ? `${first.presetName}: ${first.userMessage}` : 'Open the queue to see why.' };
}

export function createNoticeBatcher(show: (notice: Notice) => void, windowMs = 4000, timers = { setTimeout, clearTimeout }): NoticeBatcher {
  let done: string[] = [];
  let failed: Array<{ presetName: string; userMessage: string }> = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    const notice = describeBatch(done, failed);
    done = [];
    failed = [];
    if (notice) show(notice);
  };
  const schedule = () => {
    timer ??= timers.setTimeout(flush, windowMs);
  };

  return {
    done(presetName) {
      done.push(presetName);
      schedule();
    },
    failed(presetName, userMessage) {
      failed.push({ presetName, userMessage });
      schedule();
    },
    flush,
  };
}
