// The documented service files for `watch` on a render box agree with the CLI they start.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/main/cli/errors';
import { isLongRunningCommand } from '../../src/main/cli/long-running';

const SERVICE_DIR = path.resolve(import.meta.dirname, '../../docs/service');

function unitSettings(text: string): Map<string, string> {
  const settings = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match) settings.set(match[1] as string, match[2] as string);
  }
  return settings;
}

describe('service files (docs/service)', () => {
  it('the systemd unit runs `watch` through the bin, logs to the journal, stops it with SIGTERM and does not restart after exit 2 or 3', () => {
    const unit = unitSettings(readFileSync(path.join(SERVICE_DIR, 'scenario-hotfolder.service'), 'utf8'));
    const command = (unit.get('ExecStart') ?? '').split(' ');
    expect(command.slice(0, 2)).toEqual(['/opt/scenario-hotfolder/node_modules/.bin/node', '/opt/scenario-hotfolder/bin/scenario-hotfolder.js']);
    expect(isLongRunningCommand(command.slice(2))).toBe(true);
    expect(command.slice(2)).toEqual(['watch']);
    expect(unit.get('StandardOutput')).toBe('journal');
    expect(unit.get('StandardError')).toBe('journal');
    expect(unit.get('KillSignal')).toBe('SIGTERM');
    expect(unit.get('RestartPreventExitStatus')).toBe(`${EXIT.usage} ${EXIT.config}`);
  });

  it('the launchd plist runs the same command and writes its log where README says', () => {
    const plist = readFileSync(path.join(SERVICE_DIR, 'com.scenario.hotfolder.plist'), 'utf8');
    const programArguments = /<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(plist)?.[1] ?? '';
    expect([...programArguments.matchAll(/<string>([^<]*)<\/string>/g)].map((match) => match[1])).toEqual([
      '/opt/scenario-hotfolder/node_modules/.bin/node',
      '/opt/scenario-hotfolder/bin/scenario-hotfolder.js',
      'watch',
    ]);
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    for (const key of ['StandardOutPath', 'StandardErrorPath']) {
      const logPath = new RegExp(`<key>${key}</key>\\s*<string>([^<]*)</string>`).exec(plist)?.[1];
      expect(logPath).toBe('/usr/local/var/log/scenario-hotfolder.log');
      expect(readme).toContain(logPath);
    }
  });
});
