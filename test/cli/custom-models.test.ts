// A custom-model preset through the real CLI against the simulator: `presets add` checks it
// against the model's own inputs, `generate` sends it to /generate/custom/{modelId}, `reproduce`
// sends the same bytes again, and a model without a seed input cannot have its seed varied.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/index';
import { cliEnvFor, controlPng, sha256, useSimulatorAndTempDir } from '../pipeline/helpers';
import { runCli } from './run-cli';

const rig = useSimulatorAndTempDir('shf-cli-custom-', { latencyMs: 40 });

describe('custom-model presets from the command line', () => {
  it('lists every field error of a custom preset from the model inputs, and exits 2', { timeout: 60_000 }, async () => {
    const { dir, sim } = rig;
    const file = path.join(dir, 'bad-knights.json');
    await writeFile(file, JSON.stringify({ name: 'Bad knights', modelId: 'model_bfl-flux-1-dev', prompt: 'a knight', controlModality: 'seg', width: 1001, referenceImages: ['asset_x'] }));
    const { code, stderr } = await runCli(['--home', path.join(dir, 'bad-home'), 'presets', 'add', file], { env: cliEnvFor(sim) });
    expect(code).toBe(2);
    expect(stderr).toContain('has 3 error(s)');
    expect(stderr).toMatch(/^ {2}width: Width 1001 must be a multiple of 8: use 1000 or 1008\.$/m);
    expect(stderr).toMatch(/^ {2}controlModality: Control modality 'seg' is not one this model knows: use canny, tile, depth, blur, pose, gray or low-quality\.$/m);
    expect(stderr).toMatch(/^ {2}referenceImages: Unknown field 'referenceImages'/m);
  });

  it('adds, generates and reproduces byte for byte through /generate/custom/{modelId}', { timeout: 90_000 }, async () => {
    const { dir, sim } = rig;
    const home = path.join(dir, 'home');
    const env = cliEnvFor(sim);
    const knights = path.join(dir, 'knights.json');
    await writeFile(knights, JSON.stringify({ name: 'Knights', modelId: 'model_bfl-flux-1-dev', prompt: 'a knight in armour', controlModality: 'pose', controlStrength: 0.85, width: 512, height: 512 }));
    const added = await runCli(['--home', home, '--json', 'presets', 'add', knights], { env });
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'Knights', family: 'custom' });

    const image = path.join(dir, 'pose.png');
    await writeFile(image, await controlPng(21));
    const generated = await runCli(['--home', home, 'generate', image, '--preset', 'Knights'], { env });
    expect(generated.code, generated.stderr).toBe(0);
    const store = openStore({ file: path.join(home, 'history.sqlite') });
    const [parent] = store.generations.listByStates(['done']);
    store.close();
    expect(JSON.parse(parent?.requestJson ?? '{}')).toMatchObject({ controlImage: parent?.imageAssetId, controlModality: 'pose', prompt: 'a knight in armour' });

    const reproduced = await runCli(['--home', home, 'reproduce', String(parent?.id)], { env });
    expect(reproduced.code, reproduced.stderr).toBe(0);
    const posts = sim.generateLog.filter((entry) => !entry.dryRun && entry.endpoint === '/generate/custom/model_bfl-flux-1-dev');
    expect(posts.map((entry) => entry.bodySha256)).toEqual([sha256(parent?.requestJson ?? ''), sha256(parent?.requestJson ?? '')]);

    const moss = path.join(dir, 'moss.json');
    await writeFile(moss, JSON.stringify({ name: 'Moss', modelId: 'model_texture-forge', prompt: 'mossy stone' }));
    expect((await runCli(['--home', home, 'presets', 'add', moss], { env })).code).toBe(0);
    expect((await runCli(['--home', home, 'generate', image, '--preset', 'Moss'], { env })).code).toBe(0);
    const after = openStore({ file: path.join(home, 'history.sqlite') });
    const forged = after.generations.listByStates(['done']).find((generation) => generation.modelId === 'model_texture-forge');
    after.close();
    const varied = await runCli(['--home', home, 'reproduce', String(forged?.id), '--vary-seed'], { env });
    expect(varied.code).toBe(2);
    expect(varied.stderr).toContain('has no seed input');
  });

  it('sets a folder to make a map of each photo first, and refuses a map detection does not make', { timeout: 60_000 }, async () => {
    const { dir, sim } = rig;
    const home = path.join(dir, 'map-home');
    const env = cliEnvFor(sim);
    const photos = path.join(dir, 'photos');
    await mkdir(photos, { recursive: true });
    const preset = path.join(dir, 'gray.json');
    await writeFile(preset, JSON.stringify({ name: 'Gray', modelId: 'model_bfl-flux-1-dev', prompt: 'a statue', controlModality: 'gray' }));
    expect((await runCli(['--home', home, 'presets', 'add', preset], { env })).code).toBe(0);
    const added = await runCli(['--home', home, '--json', 'folders', 'add', photos, '--preset', 'Gray', '--map-first', 'gray'], { env });
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ options: { mapFirst: 'gray' } });
    const refused = await runCli(['--home', home, 'folders', 'edit', photos, '--map-first', 'tile'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--map-first tile is not a map Scenario's detection makes");
    const cleared = await runCli(['--home', home, '--json', 'folders', 'edit', photos, '--no-map-first'], { env });
    expect(JSON.parse(cleared.stdout)).toMatchObject({ options: { mapFirst: null } });
  });
});
