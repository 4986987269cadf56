import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatModality, MODALITY_NAMES, MODALITY_PRESETS, parseModality, type ParsedModality } from '../../src/shared/preset';

function parsed(text: string): ParsedModality {
  const result = parseModality(text);
  if (!result.ok) throw new Error(`expected '${text}' to parse: ${result.message}`);
  return result.value;
}

function rejection(text: string): string {
  const result = parseModality(text);
  if (result.ok) throw new Error(`expected '${text}' to be rejected`);
  return result.message;
}

describe('parseModality', () => {
  it('reads single names, weighted lists and presets', () => {
    expect(parsed('canny')).toEqual({ kind: 'modalities', items: [{ name: 'canny' }] });
    expect(parsed(' Depth:0.50 , pose:1.0 ')).toEqual({
      kind: 'modalities',
      items: [{ name: 'depth', weight: 0.5 }, { name: 'pose', weight: 1 }],
    });
    expect(parsed('canny:0.5,depth:.5,lines:0.3')).toEqual({
      kind: 'modalities',
      items: [{ name: 'canny', weight: 0.5 }, { name: 'depth', weight: 0.5 }, { name: 'lines', weight: 0.3 }],
    });
    expect(parsed('landscape')).toEqual({ kind: 'preset', name: 'landscape' });
    expect(parsed('character:0.5')).toEqual({ kind: 'preset', name: 'character', weight: 0.5 });
  });

  it('rejects malformed text with a message that says what to do', () => {
    expect(rejection('  ')).toBe("Modality is empty: enter one, for example 'canny', 'depth:0.5,pose:1' or 'character'.");
    expect(rejection('canny,,depth')).toBe("Modality 'canny,,depth' has an empty item: remove the extra comma.");
    expect(rejection('canny,depth,pose,seg')).toBe("Modality 'canny,depth,pose,seg' lists 4 items: use at most 3.");
    expect(rejection('canny,Canny:0.5')).toBe("Modality 'canny' appears twice: keep it once.");
    expect(rejection('character,depth')).toBe("The preset 'character' cannot be combined with other modalities: use it alone.");
    expect(rejection('cany')).toMatch(/^Unknown modality 'cany': use one of blur, canny, /);
    expect(rejection('canny:0')).toBe("Weight 0 of 'canny' is out of range: use a value above 0 and at most 1, such as canny:0.5.");
    expect(rejection('canny:1.01')).toBe("Weight 1.01 of 'canny' is out of range: use a value above 0 and at most 1, such as canny:0.5.");
    expect(rejection('canny:-0.5')).toBe("Weight '-0.5' of 'canny' is not a number: write a decimal such as canny:0.5.");
    expect(rejection('canny:1e-1')).toBe("Weight '1e-1' of 'canny' is not a number: write a decimal such as canny:0.5.");
    expect(rejection('canny:')).toBe("Weight '' of 'canny' is not a number: write a decimal such as canny:0.5.");
    expect(rejection('canny:0.5:1')).toBe("Modality item 'canny:0.5:1' has more than one ':': write it as name:weight.");
  });
});

describe('formatModality', () => {
  it('prints the canonical text', () => {
    expect(formatModality(parsed(' DEPTH : 0.50 ,pose:1.0'))).toBe('depth:0.5,pose:1');
    expect(formatModality(parsed('Character:1'))).toBe('character:1');
    expect(formatModality(parsed('canny'))).toBe('canny');
    expect(formatModality({ kind: 'modalities', items: [{ name: 'seg', weight: 0.25 }, { name: 'canny' }] })).toBe('seg:0.25,canny');
    // String(1.5e-7) is '1.5e-7', which the weight syntax rejects.
    expect(formatModality({ kind: 'preset', name: 'city', weight: 1.5e-7 })).toBe('city:0.00000015');
  });

  it('round-trips: parse(format(x)) is x, and format is idempotent', () => {
    const weight = fc.option(
      fc.oneof(fc.integer({ min: 1, max: 1000 }).map((n) => n / 1000), fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true })),
      { nil: undefined },
    );
    const item = fc.record({ name: fc.constantFrom(...MODALITY_NAMES), weight }, { requiredKeys: ['name'] });
    const list = fc
      .uniqueArray(item, { minLength: 1, maxLength: 3, selector: (entry) => entry.name })
      .map((items): ParsedModality => ({ kind: 'modalities', items: items.map(dropUndefinedWeight) }));
    const preset = fc
      .record({ name: fc.constantFrom(...MODALITY_PRESETS), weight })
      .map(({ name, weight: w }): ParsedModality => (w === undefined ? { kind: 'preset', name } : { kind: 'preset', name, weight: w }));

    fc.assert(
      fc.property(fc.oneof(list, preset), (value) => {
        const text = formatModality(value);
        expect(parsed(text)).toEqual(value);
        expect(formatModality(parsed(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

function dropUndefinedWeight(item: { name: string; weight?: number | undefined }): { name: string; weight?: number } {
  return item.weight === undefined ? { name: item.name } : { name: item.name, weight: item.weight };
}
