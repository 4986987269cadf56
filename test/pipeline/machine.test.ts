import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETECTION_DIAGRAM, DETECTION_MACHINE, detectionPredecessorsOf, nextDetectionState } from '../../src/shared/detection-machine';
import { GENERATION_DIAGRAM, GENERATION_MACHINE, nextState } from '../../src/shared/generation-machine';
import { diagramSection } from '../../src/shared/state-diagram';
import { GENERATION_STATES } from '../../src/shared/generation';
import { ALLOWED_TRANSITIONS, TERMINAL_STATES } from '../../src/main/store/index';

describe('the declared pipeline machine', () => {
  it('is drawn in ARCHITECTURE.md as generated from the table (run `npm run diagram` after changing it)', () => {
    const document = readFileSync(path.resolve(import.meta.dirname, '../../docs/ARCHITECTURE.md'), 'utf8');
    expect(document).toContain(diagramSection(GENERATION_DIAGRAM));
  });

  it('covers every state; terminal states start nothing and others start one effect', () => {
    expect(Object.keys(GENERATION_MACHINE).sort()).toEqual([...GENERATION_STATES].sort());
    for (const state of GENERATION_STATES) expect(GENERATION_MACHINE[state].effect === null).toBe(TERMINAL_STATES.includes(state));
  });

  it("is the store's rule: a move is allowed exactly when some event of the table makes it", () => {
    for (const from of GENERATION_STATES) {
      const targets = new Set(Object.values(GENERATION_MACHINE[from].on));
      expect(new Set(ALLOWED_TRANSITIONS[from])).toEqual(targets);
    }
    expect(nextState('submitting', 'cancel')).toBeUndefined();
    expect(nextState('uploaded', 'send')).toBe('submitting');
  });
});

describe("the declared machine of a photo's detection", () => {
  it('is drawn in ARCHITECTURE.md as generated from the table (run `npm run diagram` after changing it)', () => {
    const document = readFileSync(path.resolve(import.meta.dirname, '../../docs/ARCHITECTURE.md'), 'utf8');
    expect(document).toContain(diagramSection(DETECTION_DIAGRAM));
  });

  it('never leaves a sent detection but for its map or its failure: a paid job is not sent again', () => {
    expect(Object.values(DETECTION_MACHINE.sent.on).sort()).toEqual(['done', 'failed']);
    expect(detectionPredecessorsOf('sending').sort()).toEqual(['failed', 'outcome-unknown', 'unsent']);
    expect(nextDetectionState('sending', 'send')).toBeUndefined();
    expect(nextDetectionState('done', 'send')).toBeUndefined();
  });
});
