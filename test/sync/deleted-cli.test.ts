// A generation of our own whose images a member deleted in Scenario (real CLI processes, the
// simulator's admin route): it stays in the library, marked, and its queued tags are dropped.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_PRESET, cliEnvFor, controlPng, useSimulatorAndTempDir } from '../pipeline/helpers';
import { runCli } from '../cli/run-cli';
import { withLibrary } from './helpers';

const rig = useSimulatorAndTempDir('shf-sync-deleted-cli-', { latencyMs: 20 });


async function syncJson(home: string): Promise<Record<string, unknown>> {
  const run = await runCli(['--home', home, '--json', 'sync'], { env: cliEnvFor(rig.sim) });
  expect(run.code, run.stderr).toBe(0);
  const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  return lines.find((line) => line.event === 'synced') as Record<string, unknown>;
}

describe('sync after a member deleted our images in Scenario', () => {
  it('keeps our generation in the gallery marked "deleted in Scenario" and drops its queued tag changes instead of retrying them', { timeout: 120_000 }, async () => {
    const home = path.join(rig.dir, 'home');
    withLibrary(home, (store) => store.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: TEST_PRESET }));
    const image = path.join(rig.dir, 'pose.png');
    await writeFile(image, await controlPng(7));
    const generated = await runCli(['--home', home, 'generate', image, '--preset', TEST_PRESET.name], { env: cliEnvFor(rig.sim) });
    expect(generated.code, generated.stderr).toBe(0);
    const ours = withLibrary(home, (store) => store.generations.listByStates(['done'])[0]!);

    withLibrary(home, (store) => store.organise.tag([ours.id], ['sent']));
    expect(await syncJson(home)).toMatchObject({ tagChangesSent: 1, deletedInScenario: 0 });

    // Queued here, then the job is deleted in Scenario's web app before the next sync.
    withLibrary(home, (store) => store.organise.tag([ours.id], ['queued']));
    const deleted = await fetch(`${rig.sim.baseUrl.replace(/\/v1$/, '')}/_simulator/team/delete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jobIds: [ours.jobId] }) });
    expect(deleted.status).toBe(200);
    expect(((await deleted.json()) as { assetIds: string[] }).assetIds.length).toBeGreaterThan(0);

    const after = await syncJson(home);
    expect(after).toMatchObject({ deletedInScenario: 1, movedToTrash: 0, tagChangesDropped: 1, tagChangesSent: 0 });
    const listed = await runCli(['--home', home, '--json', 'history'], { env: cliEnvFor(rig.sim) });
    expect(listed.code, listed.stderr).toBe(0);
    const item = (JSON.parse(listed.stdout) as { id: number; deletedInScenario: boolean; tags: string[] }[]).find((entry) => entry.id === ours.id);
    expect(item).toMatchObject({ deletedInScenario: true, tags: ['queued', 'sent'] });
    const text = await runCli(['--home', home, 'history'], { env: cliEnvFor(rig.sim) });
    expect(text.stdout).toMatch(new RegExp(`#${ours.id} .*\\(deleted in Scenario\\)`));

    // Nothing left to send, nothing retried.
    expect(await syncJson(home)).toMatchObject({ tagChangesSent: 0, tagChangesDropped: 0, deletedInScenario: 0 });
  });
});
