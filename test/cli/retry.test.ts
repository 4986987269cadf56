// `retry` of a generation whose submission's outcome was lost: the person's explicit resend, run
// by the real CLI against the simulator.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/index';
import { TEST_PRESET, cliEnvFor, controlPng, useSimulatorAndTempDir } from '../pipeline/helpers';
import { runCli } from './run-cli';

const rig = useSimulatorAndTempDir('shf-cli-retry-', { latencyMs: 40 });

describe('scenario-hotfolder retry', () => {
  it('sends an outcome-unknown generation again, waits for it and exits 0', { timeout: 60_000 }, async () => {
    const { dir, sim } = rig;
    const home = path.join(dir, 'home');
    const env = cliEnvFor(sim);
    const setup = openStore({ file: path.join(home, 'history.sqlite') });
    setup.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: TEST_PRESET });
    setup.close();
    const image = path.join(dir, 'pose.png');
    await writeFile(image, await controlPng(5));
    expect((await runCli(['--home', home, 'generate', image, '--preset', TEST_PRESET.name], { env })).code).toBe(0);

    // As a kill between committing `submitting` and the POST leaves it: a row Scenario never saw.
    const store = openStore({ file: path.join(home, 'history.sqlite') });
    const [parent] = store.generations.listByStates(['done']);
    const lost = store.generations.createReproduction(parent!.id);
    for (const state of ['validated', 'uploaded', 'submitting'] as const) store.generations.transition(lost.id, state, state === 'uploaded' ? { imageAssetId: parent!.imageAssetId } : {});
    store.generations.transition(lost.id, 'outcome-unknown', { errorCode: 'outcome-unknown', errorMessage: 'lost' });
    store.close();

    const retried = await runCli(['--home', home, 'retry', String(lost.id)], { env });
    expect(retried.code).toBe(0);
    const after = openStore({ file: path.join(home, 'history.sqlite') });
    expect(after.generations.get(lost.id)?.state).toBe('done');
    after.close();
    expect(sim.generateLog.filter((entry) => !entry.dryRun)).toHaveLength(2);
  });
});
