// README's exit-code table, case by case: the real CLI against the simulator and a real home.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/index';
import { TEST_PRESET, cliEnvFor, controlPng, useSimulatorAndTempDir } from '../pipeline/helpers';
import { runCli } from './run-cli';

const rig = useSimulatorAndTempDir('shf-cli-exit-', { latencyMs: 20 });

interface Case {
  /** What README's table says, as the test's name. */
  says: string;
  args: (paths: Paths) => string[];
  code: number;
  stderr?: RegExp;
  /** Environment over the simulator's (credentials, URL). */
  env?: NodeJS.ProcessEnv;
  /** Simulator faults while the case runs. */
  faults?: string;
}

interface Paths {
  home: string;
  dir: string;
  image: string;
  presetFile: string;
  exportFile: string;
  unknownModel: string;
}

const cases: Case[] = [
  { says: 'history: 0', args: () => ['history'], code: 0 },
  { says: 'status: 0', args: () => ['status'], code: 0 },
  { says: 'settings: 0', args: () => ['settings'], code: 0 },
  { says: 'generate, all done: 0', args: ({ image }) => ['generate', image, '--preset', TEST_PRESET.name], code: 0 },
  { says: 'generate, a generation failed: 1', args: ({ image }) => ['generate', image, '--preset', TEST_PRESET.name], code: 1, faults: 'fail=1' },
  { says: 'an unknown command: 2', args: () => ['frobnicate'], code: 2, stderr: /unknown command 'frobnicate'/ },
  { says: 'presets add, a name that exists: 2', args: ({ presetFile }) => ['presets', 'add', presetFile], code: 2, stderr: /^A preset named "Test house" already exists\. Choose another name\.$/m },
  { says: 'presets add, a model Scenario does not have: 2', args: ({ unknownModel }) => ['presets', 'add', unknownModel], code: 2, stderr: /^Scenario has no model "model_nope"/m },
  { says: 'presets add, an export file: 2, pointing to presets import', args: ({ exportFile }) => ['presets', 'add', exportFile], code: 2, stderr: /is a presets export: add its presets with `presets import / },
  { says: 'presets import, a single preset file: 2, pointing to presets add', args: ({ presetFile }) => ['presets', 'import', presetFile], code: 2, stderr: /For a single preset's JSON, use `presets add / },
  { says: 'show, an unknown generation: 2', args: () => ['show', '99999'], code: 2, stderr: /^There is no generation 99999 in .+: see `history` for the ids\.$/m },
  { says: 'reproduce, an unknown generation: 2', args: () => ['reproduce', '99999'], code: 2, stderr: /^There is no generation 99999 in .+: see `history` for the ids\.$/m },
  { says: 'retry, an unknown generation: 2', args: () => ['retry', '99999'], code: 2, stderr: /^There is no generation 99999 in .+: see `history` for the ids\.$/m },
  { says: 'generate, an unknown preset: 2', args: ({ image }) => ['generate', image, '--preset', 'Nope'], code: 2, stderr: /There is no preset named "Nope"/ },
  { says: 'generate, a file that does not exist: 2', args: ({ dir }) => ['generate', path.join(dir, 'missing.png'), '--preset', TEST_PRESET.name], code: 2, stderr: /missing\.png does not exist/ },
  { says: 'history --limit abc: 2', args: () => ['history', '--limit', 'abc'], code: 2, stderr: /--limit abc must be a whole number from 1 to 500/ },
  { says: 'history --limit 0: 2', args: () => ['history', '--limit', '0'], code: 2, stderr: /--limit 0 must be/ },
  { says: 'history --limit -3: 2', args: () => ['history', '--limit', '-3'], code: 2, stderr: /--limit -3 must be/ },
  { says: 'folders add, a path that does not exist: 2', args: ({ dir }) => ['folders', 'add', path.join(dir, 'nowhere'), '--preset', TEST_PRESET.name], code: 2, stderr: /nowhere is not a folder that exists/ },
  { says: 'folders add, a file: 2', args: ({ image }) => ['folders', 'add', image, '--preset', TEST_PRESET.name], code: 2, stderr: /pose\.png is not a folder that exists/ },
  { says: 'settings set, a concurrency out of range: 2', args: () => ['settings', 'set', '--concurrency', '0'], code: 2, stderr: /--concurrency 0 must be a whole number from 1 to 16/ },
  { says: 'export, nothing matches: 2', args: () => ['export', '--search', 'nothing-like-this'], code: 2, stderr: /^No generations match/m },
  { says: 'generate, a key Scenario refuses: 3', args: ({ image }) => ['generate', image, '--preset', TEST_PRESET.name], code: 3, env: { SCENARIO_API_KEY: 'wrong-key' }, stderr: /did not accept the API key/ },
  { says: 'generate, no credentials: 3', args: ({ image }) => ['generate', image, '--preset', TEST_PRESET.name], code: 3, env: { SCENARIO_API_KEY: '', SCENARIO_API_SECRET: '' }, stderr: /No Scenario credentials/ },
  { says: 'generate, a budget reached: 4', args: ({ image }) => ['generate', image, '--preset', TEST_PRESET.name, '--seed', '7'], code: 4, env: {}, stderr: /Daily budget reached/ },
];

let paths: Paths;

beforeAll(async () => {
  const { dir } = rig;
  const home = path.join(dir, 'home');
  await mkdir(home, { recursive: true });
  const store = openStore({ file: path.join(home, 'history.sqlite') });
  store.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: TEST_PRESET });
  const exportFile = path.join(dir, 'export.json');
  await writeFile(exportFile, JSON.stringify(store.presets.exportPresets(store.presets.list().map((preset) => preset.id))));
  store.close();
  const image = path.join(dir, 'pose.png');
  await writeFile(image, await controlPng(11));
  const presetFile = path.join(dir, 'preset.json');
  await writeFile(presetFile, JSON.stringify(TEST_PRESET));
  const unknownModel = path.join(dir, 'unknown-model.json');
  await writeFile(unknownModel, JSON.stringify({ ...TEST_PRESET, name: 'Unknown model', modelId: 'model_nope', numSamples: 99 }));
  paths = { home, dir, image, presetFile, exportFile, unknownModel };
});

describe('scenario-hotfolder exit codes (README)', () => {
  it.each(cases)('$says', { timeout: 60_000 }, async ({ args, code, stderr, env, faults, says }) => {
    const { sim } = rig;
    sim.setFaults(faults ?? '');
    const budget = says.includes('budget reached');
    if (budget) expect((await runCli(['--home', paths.home, 'settings', 'set', '--daily-budget', '0'], { env: cliEnvFor(sim) })).code).toBe(0);
    try {
      const run = await runCli(['--home', paths.home, ...args(paths)], { env: { ...cliEnvFor(sim), ...env } });
      expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code, ...(stderr === undefined ? {} : { stderr: expect.stringMatching(stderr) }) });
    } finally {
      sim.setFaults('');
      if (budget) await runCli(['--home', paths.home, 'settings', 'set', '--daily-budget', 'none'], { env: cliEnvFor(sim) });
    }
  });

  it('show and reproduce of an unknown generation say the same thing', { timeout: 60_000 }, async () => {
    const env = cliEnvFor(rig.sim);
    const show = await runCli(['--home', paths.home, 'show', '99999'], { env });
    const reproduce = await runCli(['--home', paths.home, 'reproduce', '99999'], { env });
    expect(show.code).toBe(reproduce.code);
    expect(show.stderr).toBe(reproduce.stderr);
  });
});
