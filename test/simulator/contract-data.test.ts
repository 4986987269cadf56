import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT_DATA_PATH, DEFAULT_CONTRACT_PATH, renderContractData } from '../../scripts/extract-contract';

describe('contract-data.json', () => {
  it.runIf(existsSync(DEFAULT_CONTRACT_PATH))('is up to date with ../shared/scenario-api (run npx tsx scripts/extract-contract.ts)', () => {
    const fresh = renderContractData(readFileSync(DEFAULT_CONTRACT_PATH, 'utf8'));
    expect(readFileSync(CONTRACT_DATA_PATH, 'utf8')).toBe(fresh);
  });

  it('holds structure only: no descriptions or examples copied from the OpenAPI file', () => {
    const walk = (node: unknown, path: string, out: string[]): string[] => {
      if (typeof node !== 'object' || node === null) return out;
      for (const [key, value] of Object.entries(node)) {
        // `properties` maps field NAMES (a field may be called "description"); elsewhere keys are schema keywords.
        if (!path.endsWith('.properties') && (key === 'description' || key === 'example')) out.push(`${path}.${key}`);
        walk(value, `${path}.${key}`, out);
      }
      return out;
    };
    const data: unknown = JSON.parse(readFileSync(resolve(CONTRACT_DATA_PATH), 'utf8'));
    expect(walk(data, '', [])).toEqual([]);
  });
});
