// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Toasts } from '../../src/renderer/common/Toasts';
import { PresetsScreen } from '../../src/renderer/presets/PresetsScreen';
import { presetValueRows } from '../../src/renderer/presets/presetFields';
import type { PresetDetail } from '../../src/shared/ipc/contract';
import { presetSchema } from '../../src/shared/preset';
import { createFakeEngine } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

const FIRST = { name: 'Hero poses', modelId: 'model_sdxl', prompt: 'a knight', modality: 'pose', width: 1024 };
const SECOND = { ...FIRST, prompt: 'a knight in armour', guidance: 7 };

function presetDetail(version: number, preset: typeof FIRST): PresetDetail {
  return {
    id: 'p1',
    version,
    createdAt: '2025-06-01T10:00:00.000Z',
    updatedAt: '2025-06-02T10:00:00.000Z',
    preset: presetSchema.parse(preset),
    versions: Array.from({ length: version }, (_, index) => ({
      version: version - index,
      createdAt: '2025-06-01T10:00:00.000Z',
      generationCount: version - index === 1 ? 2 : 0,
    })),
    folders: [],
  };
}

function setup() {
  let current = presetDetail(2, SECOND);
  const engine = createFakeEngine({
    'presets.list': async () => [{
      id: 'p1', name: 'Hero poses', modelId: 'model_sdxl', family: 'sd-xl', modality: 'pose', version: current.version,
      updatedAt: current.updatedAt, folderCount: 0, generationCount: 2,
    }],
    'presets.get': async () => current,
    'models.list': async () => ({ models: [], fetchedAt: null, fromCache: false }),
    'presets.dryRunCost': async () => ({ creativeUnitsCost: 4, creativeUnitsDiscount: null }),
    'presets.version': async ({ version }) => ({
      presetId: 'p1',
      version,
      createdAt: '2025-06-01T10:00:00.000Z',
      current: version === current.version,
      preset: version === 1 ? FIRST : SECOND,
      generationCount: version === 1 ? 2 : 0,
      generations: version === 1
        ? [
            { id: 'g2', kind: 'hotfolder', state: 'done', seed: '7', createdAt: '2025-06-01T11:00:00.000Z', inputName: 'knight.png', cover: { id: 'i2', relPath: 'outputs/g2-0.png', thumbRelPath: 'thumbs/g2-0.webp', width: 1024, height: 1024, assetId: null, missing: false } },
            { id: 'g1', kind: 'hotfolder', state: 'failed', seed: null, createdAt: '2025-06-01T10:30:00.000Z', inputName: 'squire.png', cover: null },
          ]
        : [],
    }),
    'presets.restoreVersion': async ({ version }) => {
      current = presetDetail(3, { ...(version === 1 ? FIRST : SECOND), name: current.preset.name });
      return current;
    },
  });
  const rendered = renderWithEngine(engine, <><PresetsScreen /><Toasts /></>);
  return { engine, ...rendered };
}

describe('preset version history', () => {
  it('opens an old version read-only, shows what changed and what used it, and restores it as a new version', async () => {
    const { engine, stores } = setup();
    await act(() => stores.app.getState().load());
    fireEvent.click(await screen.findByRole('option', { name: /Hero poses/ }));

    const history = await screen.findByRole('region', { name: 'Version history' });
    expect(within(history).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      expect.stringMatching(/^Version 2current.*0 generations$/),
      expect.stringMatching(/^Version 1.*2 generations$/),
    ]);

    fireEvent.click(within(history).getByRole('button', { name: 'Version 1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Version 1 of Hero poses' });
    expect(engine.callsTo('presets.version')).toEqual([{ id: 'p1', version: 1 }]);
    // Read-only: the values are text, not form controls.
    expect(within(dialog).queryAllByRole('textbox')).toEqual([]);
    const values = within(dialog).getByRole('table', { name: 'Values of this version' });
    const row = (label: string) => within(values).getByRole('rowheader', { name: label }).closest('tr') as HTMLElement;
    expect(row('Prompt').textContent).toContain('a knight');
    expect(row('Prompt').getAttribute('data-differs')).toBe('true');
    expect(row('Guidance').textContent).toContain('model default');
    expect(row('Guidance').getAttribute('data-differs')).toBe('true');
    expect(row('Width').getAttribute('data-differs')).toBe('false');
    expect(within(dialog).getByText(/2 fields differ from the current version/)).toBeTruthy();

    const uses = within(dialog).getByRole('region', { name: 'Generations made with this version' });
    expect(within(uses).getByRole('heading').textContent).toBe('Used by 2 generations');
    expect(within(uses).getAllByRole('button').map((button) => button.textContent)).toEqual([
      expect.stringContaining('knight.png'),
      expect.stringMatching(/squire\.png.*Failed/),
    ]);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore version 1' }));
    await waitFor(() => expect(engine.callsTo('presets.restoreVersion')).toEqual([{ id: 'p1', version: 1 }]));
    expect(await screen.findByText('Restored version 1 as version 3.')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    // The form now holds the restored values, ready for the next edit.
    expect((screen.getByLabelText('Prompt') as HTMLTextAreaElement).value).toBe('a knight');
    expect(within(screen.getByRole('region', { name: 'Version history' })).getAllByRole('listitem')).toHaveLength(3);
  });

  it('opens a generation that used the version in the gallery', async () => {
    const { stores } = setup();
    await act(() => stores.app.getState().load());
    await act(() => stores.presets.getState().select('p1'));
    await act(() => stores.presets.getState().openVersion(1));

    fireEvent.click(screen.getByRole('button', { name: /knight\.png/ }));
    expect(stores.gallery.getState().detailId).toBe('g2');
    expect(stores.app.getState().screen).toBe('gallery');
    expect(stores.presets.getState().viewedVersion).toBeNull();
  });

  it('offers no restore for the current version, and closes with Escape', async () => {
    const { stores } = setup();
    await act(() => stores.presets.getState().select('p1'));
    await act(() => stores.presets.getState().openVersion(2));

    const dialog = screen.getByRole('dialog', { name: 'Version 2 of Hero poses' });
    expect(within(dialog).queryByRole('button', { name: /Restore/ })).toBeNull();
    expect(within(dialog).getByText(/what the preset runs now/)).toBeTruthy();
    fireEvent.keyDown(within(dialog).getByRole('button', { name: 'Close' }), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('preset value rows', () => {
  it('lists the editor\'s fields in its order, then fields it has no control for, and marks changes', () => {
    const rows = presetValueRows(
      { ...FIRST, concepts: [{ modelId: 'model_ink', scale: 0.8 }], hideResults: true },
      { ...FIRST, concepts: [{ modelId: 'model_ink', scale: 0.5 }] },
    );
    expect(rows.slice(0, 4).map((row) => row.label)).toEqual(['Name', 'Model id', 'Prompt', 'Modality']);
    expect(rows.at(-1)).toEqual({ field: 'hideResults', label: 'hideResults', value: 'true', differs: true });
    expect(rows.find((row) => row.field === 'concepts')).toMatchObject({ value: 'model_ink × 0.8', differs: true });
    expect(rows.find((row) => row.field === 'seed')).toMatchObject({ value: null, differs: false });
  });
});
