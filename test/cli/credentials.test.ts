import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/main/simulator/index';
import { runCli, type CliRun } from './run-cli';

const CONTROL_IMAGE = path.resolve(import.meta.dirname, '../../../shared/control-images/canny-house-768x512.png');

// The simulator accepts only these: a wrong pair gets a 401, so a dry run shows which pair was used.
const STORED = { apiKey: 'key_stored_1234', apiSecret: 'secret-STORED-9f8e7d6c5b4a' };
const ENV_WRONG = { apiKey: 'key_env_5678', apiSecret: 'secret-ENV-0a1b2c3d4e5f' };

let simulator: RunningSimulator;
let home: string;
const outputs: CliRun[] = [];

async function cli(args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<CliRun> {
  const result = await runCli(['--home', home, ...args], { ...options, env: { SCENARIO_API_URL: simulator.baseUrl, ...options.env } });
  outputs.push(result);
  return result;
}

function fileMode(info: { mode: number }): string {
  return (info.mode & 0o777).toString(8);
}

beforeAll(async () => {
  simulator = await startSimulator({ apiKey: STORED.apiKey, apiSecret: STORED.apiSecret, latencyMs: 0 });
  home = await mkdtemp(path.join(os.tmpdir(), 'shf-credentials-'));
});

afterAll(async () => {
  await simulator.close();
  await rm(home, { recursive: true, force: true });
});

describe('scenario-hotfolder credentials (opt-in file for the headless CLI)', { timeout: 60_000 }, () => {
  it('refuses to save without --store-on-disk, and writes nothing', async () => {
    const refused = await cli(['credentials', 'save'], { stdin: `${STORED.apiKey}\n${STORED.apiSecret}\n` });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--store-on-disk');
    expect(await readdir(home)).toEqual([]);
  });

  it('saves from stdin into a 0600 file, atomically, with a warning that it is unencrypted', async () => {
    const saved = await cli(['credentials', 'save', '--store-on-disk'], { stdin: `${STORED.apiKey}\n${STORED.apiSecret}\n` });
    expect(saved.code).toBe(0);
    expect(saved.stderr).toMatch(/^Warning: The API secret is stored UNENCRYPTED in .*credentials\.json/m);
    expect(saved.stdout).toContain('Saved the credentials for API key …1234.');

    const file = path.join(home, 'credentials.json');
    if (process.platform !== 'win32') expect(fileMode(await stat(file))).toBe('600');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(STORED);
    // The temporary file of the atomic write is gone.
    expect(await readdir(home)).toEqual(['credentials.json']);
  });

  it('status names the source and only the last characters of the key', async () => {
    const fromFile = await cli(['credentials', 'status']);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toContain(`In use: the file ${path.join(home, 'credentials.json')} (API key …1234, stored unencrypted).`);
    expect(fromFile.stdout).not.toContain(STORED.apiKey);

    const fromEnv = await cli(['--json', 'credentials', 'status'], { env: { SCENARIO_API_KEY: ENV_WRONG.apiKey, SCENARIO_API_SECRET: ENV_WRONG.apiSecret } });
    expect(JSON.parse(fromEnv.stdout)).toEqual({
      source: 'environment',
      apiKeyHint: '…5678',
      file: { path: path.join(home, 'credentials.json'), apiKeyHint: '…1234', inUse: false },
    });
  });

  it('commands use the file, and the environment wins over it', async () => {
    const presetFile = path.join(os.tmpdir(), `shf-credentials-preset-${process.pid}.json`);
    await writeFile(presetFile, JSON.stringify({ family: 'sd-1_5', name: 'House', modelId: 'model_sd15-realistic', prompt: 'a house', modality: 'canny', width: 512, height: 512 }));
    try {
      expect((await cli(['presets', 'add', presetFile])).code).toBe(0);
    } finally {
      await rm(presetFile, { force: true });
    }

    const withFile = await cli(['generate', CONTROL_IMAGE, '--preset', 'House', '--dry-run']);
    expect(withFile.stderr).toBe('');
    expect(withFile.code).toBe(0);
    expect(withFile.stdout).toContain('nothing was run or charged');

    // The environment's pair is the one sent: the simulator refuses it (exit 3), although the file's pair is right.
    const withEnv = await cli(['generate', CONTROL_IMAGE, '--preset', 'House', '--dry-run'], { env: { SCENARIO_API_KEY: ENV_WRONG.apiKey, SCENARIO_API_SECRET: ENV_WRONG.apiSecret } });
    expect(withEnv.code).toBe(3);
    expect(withEnv.stderr).toMatch(/API key/i);
  });

  it('a broken file stops only the commands that need credentials, and its text is never printed', async () => {
    const file = path.join(home, 'credentials.json');
    await writeFile(file, `{"apiKey": "${STORED.apiKey}", "apiSecret": "${STORED.apiSecret}`, { mode: 0o600 });
    const generate = await cli(['generate', CONTROL_IMAGE, '--preset', 'House', '--dry-run']);
    expect(generate.code).toBe(3);
    expect(generate.stderr).toContain('is not a credentials file this app can read. Run `credentials clear`');
    const presets = await cli(['presets', 'list']);
    expect(presets.code).toBe(0);
  });

  it('clear removes the file; the secret never appeared in any output or other file', async () => {
    const cleared = await cli(['credentials', 'clear']);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain(`Removed ${path.join(home, 'credentials.json')}.`);
    expect((await readdir(home)).includes('credentials.json')).toBe(false);

    for (const { stdout, stderr } of outputs) {
      for (const secret of [STORED.apiSecret, ENV_WRONG.apiSecret]) {
        expect(stdout).not.toContain(secret);
        expect(stderr).not.toContain(secret);
      }
    }
    // Not in the history, the library or anything else the CLI wrote.
    for (const entry of await readdir(home, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const bytes = await readFile(path.join(entry.parentPath, entry.name));
      expect(bytes.includes(STORED.apiSecret), entry.name).toBe(false);
    }
  });
});
