import { describe, expect, it } from 'vitest';
import { createNoticeBatcher, type Notice } from '../../src/main/electron/notice-batch';

function manualClock() {
  let pending: (() => void) | null = null;
  return {
    timers: {
      setTimeout: ((fn: () => void) => ((pending = fn), 1)) as unknown as typeof setTimeout,
      clearTimeout: (() => (pending = null)) as unknown as typeof clearTimeout,
    },
    tick: () => pending?.(),
  };
}

describe('createNoticeBatcher', () => {
  it('turns many finished generations into one notification', () => {
    const shown: Notice[] = [];
    const clock = manualClock();
    const batcher = createNoticeBatcher((n) => shown.push(n), 4000, clock.timers);
    for (let i = 0; i < 200; i++) batcher.done('Portraits');
    expect(shown).toEqual([]);
    clock.tick();
    expect(shown).toEqual([{ title: '200 generations finished', body: 'Preset: Portraits' }]);
  });

  it('reports failures with the reason when there is one', () => {
    const shown: Notice[] = [];
    const clock = manualClock();
    const batcher = createNoticeBatcher((n) => shown.push(n), 4000, clock.timers);
    batcher.done('A');
    batcher.failed('B', 'Budget reached.');
    clock.tick();
    batcher.failed('B', 'Budget reached.');
    batcher.flush();
    expect(shown).toEqual([
      { title: '1 finished, 1 failed', body: 'B: Budget reached.' },
      { title: '1 generation failed', body: 'B: Budget reached.' },
    ]);
  });
});
