// A sync killed (SIGKILL, real CLI processes) while it lists and again while it imports goes on
// at the next sync to the same result: every job once.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/index';
import { useSimulatorAndTempDir } from '../pipeline/helpers';
import { runCli, startCli } from '../cli/run-cli';

const rig = useSimulatorAndTempDir('shf-sync-kill-', { latencyMs: 0 });

function envOf(): NodeJS.ProcessEnv {
  return { SCENARIO_API_URL: rig.sim.baseUrl, SCENARIO_API_KEY: rig.sim.apiKey, SCENARIO_API_SECRET: rig.sim.apiSecret };
}

/** Starts `sync --json` and SIGKILLs it at the first progress line that `when` accepts; resolves once it is gone. */
function killSyncWhen(home: string, when: (event: { phase: string; done: number }) => boolean): Promise<boolean> {
  const child = startCli(['--home', home, '--json', 'sync', '--images', 'none'], { env: envOf() });
  return new Promise((resolve) => {
    let output = '';
    let killed = false;
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString();
      const lines = output.split('\n');
      output = lines.pop() ?? '';
      for (const line of lines) {
        const event = JSON.parse(line) as { event: string; phase: string; done: number };
        if (!killed && event.event === 'progress' && when(event)) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('exit', () => resolve(killed));
  });
}

describe('an interrupted sync', () => {
  it('resumes without duplicates after SIGKILLs while listing and while importing', { timeout: 120_000 }, async () => {
    const made = await rig.sim.seedTeamHistory({ jobs: 900, samplesPerJob: 1 });
    const home = path.join(rig.dir, 'home');
    await killSyncWhen(home, (event) => event.phase === 'listing' || event.phase === 'importing');
    await killSyncWhen(home, (event) => event.phase === 'importing' && event.done > 0);
    const midway = openStore({ file: path.join(home, 'history.sqlite') });
    const importedBefore = midway.sync.importedCount();
    midway.close();

    const finished = await runCli(['--home', home, '--json', 'sync', '--images', 'none'], { env: envOf() });
    expect(finished.code, finished.stderr).toBe(0);
    const synced = finished.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.event === 'synced');
    expect(synced?.imported).toBe(900 - importedBefore);

    const store = openStore({ file: path.join(home, 'history.sqlite') });
    try {
      const jobIds: string[] = [];
      for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
        const page = store.galleryPage({ limit: 500, ...(cursor === null ? {} : { cursor }) });
        jobIds.push(...page.items.map((item) => store.generations.get(item.id)?.jobId ?? ''));
        cursor = page.nextCursor;
      }
      expect(jobIds).toHaveLength(900);
      expect(new Set(jobIds)).toEqual(new Set(made.jobIds));
      expect(store.sync.stagedCount()).toBe(0);
      expect(store.checkIntegrity()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
