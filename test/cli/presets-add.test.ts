// `presets add` looks the model up at Scenario: the real CLI against the simulator, online, without
// credentials and with Scenario unreachable.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_PRESET, cliEnvFor, controlPng, useSimulatorAndTempDir } from '../pipeline/helpers';
import { runCli, useRunningClis } from './run-cli';

const rig = useSimulatorAndTempDir('shf-cli-presets-', { latencyMs: 20 });
const running = useRunningClis();

/** A preset file without `family`: the model's family comes from Scenario. */
async function presetFile(name: string, fields: Record<string, unknown> = {}): Promise<string> {
  const file = path.join(rig.dir, `${name}.json`);
  await writeFile(file, JSON.stringify({ ...TEST_PRESET, name, ...fields }));
  return file;
}

const LATER =
  "the checks of its model family (sizes, samples, steps) will run when the model is known: the app, `watch` or `generate` looks the model up by itself once Scenario can be reached, and a preset its family's rules refuse is then listed as not valid, with the field, and takes no files (until then Scenario checks each request, and a generation it refuses fails without being charged)";

const TOO_WIDE = 'width: SD 1.5 allows widths from 64 to 1024: 1536 is too large.';

interface ListedPreset {
  name: string;
  family: string;
  valid: boolean;
  issues: { field: string; message: string }[];
}

/** `presets add` while the simulator does not listen: Scenario cannot be reached. */
async function addWhileUnreachable(home: string, files: string[]): Promise<void> {
  await rig.sim.suspend();
  try {
    for (const file of files) {
      const added = await runCli(['--home', home, 'presets', 'add', file], { env: cliEnvFor(rig.sim) });
      expect(added.code).toBe(0);
      expect(added.stdout).toMatch(/\(unknown\)\.\n$/);
      expect(added.stderr).toContain('will run when the model is known');
    }
  } finally {
    await rig.sim.resume();
  }
}

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

    // Online again: `generate` looks the model up before it queues anything, so the preset SD 1.5
    // refuses is not valid (with the field) and nothing is sent; saved again, it is refused at once.
    const image = path.join(rig.dir, 'pose.png');
    await writeFile(image, await controlPng(7));
    const generated = await runCli(['--home', home, 'generate', image, '--preset', 'Offline wide'], { env: cliEnvFor(sim) });
    expect(generated.code).toBe(1);
    expect(generated.stdout).toBe(`skipped   ${image}: ${JSON.stringify(image)} was not queued: Preset "Offline wide" is not valid (${TOO_WIDE}). Fix the preset, then drop the file again.\n`);
    const listed = JSON.parse((await runCli(['--home', home, '--json', 'presets', 'list'], { env: cliEnvFor(sim) })).stdout) as ListedPreset[];
    expect(listed.find((preset) => preset.name === 'Offline wide')).toMatchObject({ family: 'sd-1_5', valid: false, issues: [{ field: 'width' }] });
    const edited = await runCli(['--home', home, 'presets', 'edit', 'Offline wide', tooWide], { env: cliEnvFor(sim) });
    expect(edited.code).toBe(2);
    expect(edited.stderr).toMatch(/^ {2}width: SD 1\.5 allows widths from 64 to 1024: 1536 is too large\.$/m);
  });

  it('saved offline, then `watch` with Scenario reachable: the family is recorded, a preset it refuses is not valid with the field and its file stays; a valid one generates', { timeout: 120_000 }, async () => {
    const home = path.join(rig.dir, 'resolved-at-start');
    await addWhileUnreachable(home, [await presetFile('Start wide', { width: 1536 }), await presetFile('Start house')]);
    const wideInbox = path.join(rig.dir, 'start-wide-inbox');
    const houseInbox = path.join(rig.dir, 'start-house-inbox');
    for (const [folder, preset] of [[wideInbox, 'Start wide'], [houseInbox, 'Start house']] as const) {
      await mkdir(folder, { recursive: true });
      expect((await runCli(['--home', home, 'folders', 'add', folder, '--preset', preset, '--processed', 'move'], { env: cliEnvFor(rig.sim) })).code).toBe(0);
    }
    // Waiting before the watcher starts: its catch-up takes them once the families are known.
    await writeFile(path.join(wideInbox, 'wide.png'), await controlPng(41));
    await writeFile(path.join(houseInbox, 'house.png'), await controlPng(42));

    const watcher = running(['--home', home, 'watch'], cliEnvFor(rig.sim));
    await watcher.line(/^done {6}#\d+/);
    await watcher.line(/^skipped {3}.*wide\.png: /);
    expect(watcher.output()).toMatch(new RegExp(`^warning {3}Preset "Start wide" is not valid \\(${TOO_WIDE.replace(/[.()]/g, '\\$&')}\\)`, 'm'));
    expect(watcher.output()).not.toMatch(/^(queued|failed) .*wide\.png/m);

    const listed = JSON.parse((await runCli(['--home', home, '--json', 'presets', 'list'], { env: cliEnvFor(rig.sim) })).stdout) as ListedPreset[];
    expect(listed.find((preset) => preset.name === 'Start wide')).toMatchObject({ family: 'sd-1_5', valid: false, issues: [{ field: 'width', message: TOO_WIDE.slice('width: '.length) }] });
    expect(listed.find((preset) => preset.name === 'Start house')).toMatchObject({ family: 'sd-1_5', valid: true, issues: [] });
    const plain = await runCli(['--home', home, 'presets', 'list'], { env: cliEnvFor(rig.sim) });
    expect(plain.stdout).toMatch(new RegExp(`^Start wide  v2  sd-1_5  ${TEST_PRESET.modelId}  canny  not valid: ${TOO_WIDE.replace(/[.()]/g, '\\$&')}$`, 'm'));
    expect(plain.stdout).toMatch(new RegExp(`^Start house  v2  sd-1_5  ${TEST_PRESET.modelId}  canny$`, 'm'));
    const shown = await runCli(['--home', home, 'presets', 'show', 'Start wide'], { env: cliEnvFor(rig.sim) });
    expect(JSON.parse(shown.stdout)).toMatchObject({ family: 'sd-1_5', width: 1536 });
    expect(shown.stderr).toContain(`This preset is not valid, so it takes no files: ${TOO_WIDE}`);

    expect(await watcher.stop()).toBe(0);
    // The file of the refused preset is where it was dropped, not failed nor moved; the other one is done.
    expect(await readdir(wideInbox)).toEqual(['wide.png']);
    expect(await readdir(path.join(houseInbox, '_done'))).toEqual(['house.png']);
  });

  it('`watch` started while Scenario is unreachable records the family once Scenario answers again', { timeout: 120_000 }, async () => {
    const home = path.join(rig.dir, 'resolved-later');
    await addWhileUnreachable(home, [await presetFile('Later wide', { width: 1536 })]);
    const inbox = path.join(rig.dir, 'later-inbox');
    await mkdir(inbox, { recursive: true });
    expect((await runCli(['--home', home, 'folders', 'add', inbox, '--preset', 'Later wide'], { env: cliEnvFor(rig.sim) })).code).toBe(0);

    await rig.sim.suspend();
    let watcher;
    try {
      watcher = running(['--home', home, 'watch'], cliEnvFor(rig.sim));
      await watcher.line(/^waiting .*network/i);
    } finally {
      await rig.sim.resume();
    }
    await watcher.line(/^warning {3}Preset "Later wide" is not valid/);
    const listed = JSON.parse((await runCli(['--home', home, '--json', 'presets', 'list'], { env: cliEnvFor(rig.sim) })).stdout) as ListedPreset[];
    expect(listed).toEqual([expect.objectContaining({ name: 'Later wide', family: 'sd-1_5', valid: false, issues: [expect.objectContaining({ field: 'width' })] })]);
    expect(await watcher.stop()).toBe(0);
  });
});
