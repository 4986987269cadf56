// @vitest-environment happy-dom
// A preset saved offline whose family, known since, refuses it: the window's preset list says so and why.
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PresetsScreen } from '../../src/renderer/presets/PresetsScreen';
import type { PresetSummary } from '../../src/shared/ipc/contract';
import { createFakeEngine } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

const SUMMARY: Omit<PresetSummary, 'id' | 'name' | 'issues'> = {
  modelId: 'model_sd15-realistic', family: 'sd-1_5', modality: 'canny', version: 2, updatedAt: '2025-06-02T10:00:00.000Z', folderCount: 1, generationCount: 0,
};

describe('the preset list', () => {
  it('marks a preset that takes no files as not valid, with the field and why; a valid one has no such mark', async () => {
    const engine = createFakeEngine({
      'presets.list': async () => [
        { ...SUMMARY, id: 'p1', name: 'Wide houses', issues: [{ field: 'width', message: 'SD 1.5 allows widths from 64 to 1024: 1536 is too large.' }] },
        { ...SUMMARY, id: 'p2', name: 'Small houses', issues: [] },
      ],
      'models.list': async () => ({ models: [], fetchedAt: null, fromCache: false }),
    });
    const { stores } = renderWithEngine(engine, <PresetsScreen />);
    await act(() => stores.app.getState().load());

    const wide = await screen.findByRole('option', { name: /Wide houses/ });
    expect(wide.textContent).toContain('Not valid, takes no files: width: SD 1.5 allows widths from 64 to 1024: 1536 is too large.');
    expect((await screen.findByRole('option', { name: /Small houses/ })).textContent).not.toContain('Not valid');
    expect(screen.getAllByTestId('preset-not-valid')).toHaveLength(1);
  });
});
