// `presets add` looks the model up at Scenario: the real CLI against the simulator, online, without
// credentials and with Scenario unreachable.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_PRESET, cliEnvFor, controlPng, useSimulatorAndTempDir } from '../pipeline/helpers';
import { runCli } from './run-cli';

const rig = useSimulatorAndTempDir('shf-cli-presets-', { latencyMs: 20 });

/** A preset file without `family`: the model's family comes from Scenario. */
async function presetFile(name: string, fields: Record<string, unknown> = {}): Promise<string> {
  const file = path.join(rig.dir, `${name}.json`);
  await writeFile(file, JSON.stringify({ ...TEST_PRESET, name, ...fields }));
  return file;
}

const LATER =
  'the checks of its model family (sizes, samples, steps) will run when the model is known: save it again with `presets edit` once Scenario can be reached (until then Scenario checks each request, and a generation it refuses fails without being charged)';

describe('presets add and the model', () => {
  it('online, checks a known family at once: a width SD 1.5 does not allow is an error (exit 2)', { timeout: 60_000 }, async () => {
    const home = path.join(rig.dir, 'online');
    const run = await runCli(['--home', home, 'presets', 'add', await presetFile('Too wide', { width: 1536 })], { env: cliEnvFor(rig.sim) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^The preset in .*Too wide\.json has 1 error\(s\):\n {2}width: SD 1\.5 allows widths from 64 to 1024: 1536 is too large\./);
    const listed = await runCli(['--home', home, '--json', 'presets', 'list'], { env: cliEnvFor(rig.sim) });
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it('without credentials or with Scenario unreachable, adds it and says the family checks wait for the model: saved again online, they run', { timeout: 120_000 }, async () => {
    const { sim } = rig;
    const home = path.join(rig.dir, 'offline');
    const tooWide = await presetFile('Offline wide', { width: 1536 });
    const noCredentials = await runCli(['--home', home, 'presets', 'add', tooWide], { env: { ...cliEnvFor(sim), SCENARIO_API_KEY: '', SCENARIO_API_SECRET: '' } });
    expect(noCredentials.code).toBe(0);
    expect(noCredentials.stdout).toBe('Added preset "Offline wide" (unknown).\n');
    expect(noCredentials.stderr).toBe(`Warning: No Scenario credentials, so the model "${TEST_PRESET.modelId}" was not looked up: ${LATER}. Or give "family" in ${tooWide}.\n`);

    await sim.suspend();
    let unreachable;
    try {
      unreachable = await runCli(['--home', home, 'presets', 'add', await presetFile('Offline house')], { env: cliEnvFor(sim) });
    } finally {
      await sim.resume();
    }
    expect(unreachable.code).toBe(0);
    expect(unreachable.stdout).toBe('Added preset "Offline house" (unknown).\n');
    expect(unreachable.stderr).toMatch(new RegExp(`^Warning: Scenario could not be reached to look up the model "${TEST_PRESET.modelId}" \\(.+\\): ${LATER.replace(/[()]/g, '\\$&')}\\.\\n$`));

    // Online again: Scenario refuses what SD 1.5 does not allow (no job, no charge), and the preset
    // saved again is checked by its family at once.
    const image = path.join(rig.dir, 'pose.png');
    await writeFile(image, await controlPng(7));
    const generated = await runCli(['--home', home, 'generate', image, '--preset', 'Offline wide'], { env: cliEnvFor(sim) });
    expect(generated.code).toBe(1);
    expect(generated.stdout).toMatch(/^failed {4}#\d+: Scenario rejected the generation request \(HTTP 400\)\. Scenario said: "width must be between 64 and 1024 for sd-1_5 models"/m);
    const edited = await runCli(['--home', home, 'presets', 'edit', 'Offline wide', tooWide], { env: cliEnvFor(sim) });
    expect(edited.code).toBe(2);
    expect(edited.stderr).toMatch(/^ {2}width: SD 1\.5 allows widths from 64 to 1024: 1536 is too large\.$/m);
  });
});
