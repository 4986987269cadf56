import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');

describe('electron-builder.yml', async () => {
  const config = parse(await readFile(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

  it('names the app and packages only the build output', () => {
    expect(config['appId']).toBe('com.scenario.hotfolder');
    expect(config['productName']).toBe('Scenario Hot Folder');
    expect(config['files']).toContain('out/**');
  });

  it('unpacks native modules from the asar (better-sqlite3, sharp and its @img binaries)', () => {
    const unpack = config['asarUnpack'] as string[];
    expect(unpack).toEqual(expect.arrayContaining(['**/*.node', '**/node_modules/better-sqlite3/**', '**/node_modules/sharp/**', '**/node_modules/@img/**']));
  });

  it('targets AppImage and deb, dmg, nsis', () => {
    expect((config['linux'] as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    expect((config['mac'] as { target: string }).target).toBe('dmg');
    expect((config['win'] as { target: string }).target).toBe('nsis');
  });

  it('flips the security fuses', () => {
    expect(config['electronFuses']).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
