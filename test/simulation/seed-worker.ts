// Runs the seeds its parent hands it, one at a time, and says that its event loop turns.
import { parentPort } from 'node:worker_threads';
import { runSeed } from './world';

if (parentPort === null) throw new Error('seed-worker runs as a worker thread of test/simulation/run.ts');
const port = parentPort;
/**
 * A seed that moves on says so every few hundred milliseconds. This long without a word while
 * this thread's timers still fire is a hang of another kind than a locked loop: something
 * awaited that never comes. Reported with what the thread still waits on.
 */
const STALL_MS = 20_000;
let lastBeat = 0;
let lastSign = 0;
let running = false;
setInterval(() => {
  if (!running || Date.now() - lastSign < STALL_MS) return;
  lastSign = Date.now();
  port.postMessage({ stalled: process.getActiveResourcesInfo().join(', ') });
}, 1000).unref();
// Loaded (TypeScript, sharp, SQLite): from here on, silence means a locked event loop.
port.postMessage({ ready: true });
port.on('message', (message: { seed: number; steps?: number }) => {
  running = true;
  lastSign = Date.now();
  void runSeed(message.seed, {
    ...(message.steps === undefined ? {} : { steps: message.steps }),
    onStep: (step) => {
      lastSign = Date.now();
      port.postMessage({ step });
    },
    onTurn: () => {
      const now = Date.now();
      lastSign = now;
      if (now - lastBeat < 250) return;
      lastBeat = now;
      port.postMessage({ beat: message.seed });
    },
  }).then((outcome) => {
    running = false;
    port.postMessage({ outcome });
  });
});
