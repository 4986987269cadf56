// Runs the seeds its parent hands it, one at a time, and says that its event loop turns.
import { parentPort } from 'node:worker_threads';
import { runSeed } from './world';

if (parentPort === null) throw new Error('seed-worker runs as a worker thread of test/simulation/run.ts');
const port = parentPort;
let lastBeat = 0;
// Loaded (TypeScript, sharp, SQLite): from here on, silence means a locked event loop.
port.postMessage({ ready: true });
port.on('message', (message: { seed: number; steps?: number }) => {
  void runSeed(message.seed, {
    ...(message.steps === undefined ? {} : { steps: message.steps }),
    onStep: (step) => port.postMessage({ step }),
    onTurn: () => {
      const now = Date.now();
      if (now - lastBeat < 250) return;
      lastBeat = now;
      port.postMessage({ beat: message.seed });
    },
  }).then((outcome) => port.postMessage({ outcome }));
});
