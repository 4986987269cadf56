import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from '../../src/shared/concurrency';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('ConcurrencyLimit', () => {
  it('runs at most the limit at once, the rest in arrival order, and passes results and errors through', async () => {
    const limit = new ConcurrencyLimit(2);
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let mostAtOnce = 0;
    const runs = gates.map((gate, index) =>
      limit.run(async () => {
        started.push(index);
        mostAtOnce = Math.max(mostAtOnce, limit.active);
        await gate.promise;
        if (index === 3) throw new Error('task 3 failed');
        return index * 10;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(limit.pending).toBe(3);
    // Finishing out of order: the freed place goes to the oldest waiting task.
    gates[1]?.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    const results = await Promise.allSettled(runs);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual([0, 10, 20, 'task 3 failed', 40]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(mostAtOnce).toBe(2);
    expect(limit.active).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
  });
});
