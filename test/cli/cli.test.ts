import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli as run } from './run-cli';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('scenario-hotfolder CLI', () => {
  it('demo runs end to end and prints where the outputs and the history are', { timeout: 60_000 }, async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'shf-cli-'));
    const { code, stdout } = await run(['--home', dir, 'demo']);
    expect(code).toBe(0);
    const outputs = /Outputs:\s+(\S+)/.exec(stdout)?.[1];
    expect(outputs).toBe(path.join(dir, 'library', 'outputs'));
    expect(stdout).toContain(`History:  ${path.join(dir, 'history.sqlite')}`);
    const imagePaths = [...stdout.matchAll(/library\/outputs\/\S+?\.png/g)].map((match) => path.join(dir as string, match[0]));
    expect(imagePaths.length).toBeGreaterThan(0);
    for (const imagePath of imagePaths) expect(existsSync(imagePath)).toBe(true);
  });

  it('presets add lists every field error of a bad preset and exits with 2', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'shf-cli-'));
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ family: 'sd-1_5', name: 'Bad', modelId: 'model_x', prompt: '', modality: 'canny', width: 4000, guidance: 30 }));
    const { code, stderr } = await run(['--home', dir, 'presets', 'add', file]);
    expect(code).toBe(2);
    expect(stderr).toContain('has 3 error(s)');
    expect(stderr).toMatch(/^ {2}prompt: /m);
    expect(stderr).toMatch(/^ {2}width: SD 1.5 allows widths from 64 to 1024: 4000 is too large\./m);
    expect(stderr).toMatch(/^ {2}guidance: /m);

    await writeFile(file, '{ "name": "Broken", ');
    const broken = await run(['--home', dir, 'presets', 'add', file]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not valid JSON');
  });

  it('says what to do when credentials are missing, with exit code 3', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'shf-cli-'));
    const { code, stderr } = await run(['--home', dir, 'generate', 'x.png', '--preset', 'none']);
    expect(code).toBe(3);
    expect(stderr).toContain('SCENARIO_API_KEY');
  });
});
