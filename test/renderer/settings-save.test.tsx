// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsScreen } from '../../src/renderer/settings/SettingsScreen';
import { IpcError } from '../../src/shared/ipc/errors';
import type { Folder, Settings } from '../../src/shared/ipc/contract';
import { SETTLED_WINDOW, createFakeEngine } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

const SETTINGS: Settings = { concurrency: 2, dailyBudget: null, monthlyBudget: null, libraryLocation: '/Users/me/Library', defaultProcessedAction: 'leave' };
const WATCHED: Folder = {
  id: 'folder-1',
  path: '/Users/me/Renders/poses',
  presetIds: ['preset-1'],
  options: { recursive: false, extensions: ['png'], processedAction: 'leave', allowDuplicates: false },
  state: 'watching',
  message: null,
  pendingCount: 0,
};

/** The message that explains a control: what its aria-describedby points at, while it is outlined. */
function problemOf(control: HTMLElement): string | null {
  if (control.getAttribute('aria-invalid') !== 'true') return null;
  return document.getElementById(control.getAttribute('aria-describedby') ?? '')?.textContent ?? null;
}

describe('settings: one save model', () => {
  it('keeps every section a draft until its Save, and puts each refusal of the engine under its own field, outlined', async () => {
    let folders = [WATCHED];
    const engine = createFakeEngine({
      ...SETTLED_WINDOW,
      'queue.status': async () => ({ paused: false, waiting: null, jobs: [], counts: { waiting: 0, active: 0, doneToday: 0, failedToday: 0 }, budget: { dailyLimit: null, monthlyLimit: null, spentToday: 0, spentThisMonth: 0 } }),
      'settings.get': async () => SETTINGS,
      'settings.update': async () => {
        throw new IpcError({ code: 'settings.library-location', userMessage: 'The library stays in /Users/me/Library while the app runs.' });
      },
      'credentials.status': async () => ({ stored: false, backendOk: true, backendMessage: null, apiKeyHint: null }),
      'folders.list': async () => folders,
      'folders.add': async () => {
        throw new IpcError({ code: 'name-taken', userMessage: 'This folder is already watched.' });
      },
      'folders.update': async ({ options }) => (folders = [{ ...WATCHED, options: { ...WATCHED.options, ...options } }])[0]!,
      'presets.list': async () => [
        { id: 'preset-1', name: 'Hero poses', modelId: 'model_sdxl', family: 'sd-xl', modality: 'pose', version: 1, updatedAt: '2025-06-01T10:00:00.000Z', folderCount: 1, generationCount: 0 },
      ],
    });
    const { stores } = renderWithEngine(engine, <SettingsScreen />);

    // Library and spending: a change is a draft, said to be unsaved, until Save.
    const general = await screen.findByRole('form', { name: 'Library and spending' });
    const location = within(general).getByLabelText('Library location');
    fireEvent.change(location, { target: { value: '/Volumes/Art/Library' } });
    expect(within(general).getByRole('status').textContent).toBe('Unsaved changes');
    expect(engine.callsTo('settings.update')).toEqual([]);
    fireEvent.click(within(general).getByRole('button', { name: 'Save' }));
    // The engine's refusal sits under the field it concerns, not in a toast.
    await waitFor(() => expect(problemOf(location)).toBe('The library stays in /Users/me/Library while the app runs.'));
    expect(stores.app.getState().toasts).toEqual([]);
    fireEvent.click(within(general).getByRole('button', { name: 'Discard' }));
    expect((location as HTMLInputElement).value).toBe('/Users/me/Library');
    expect(problemOf(location)).toBeNull();

    // A watched folder's options: the same draft and Save, the row's own.
    const row = screen.getByRole('form', { name: `Settings of ${WATCHED.path}` });
    fireEvent.click(within(row).getByRole('checkbox', { name: 'Include subfolders' }));
    expect(engine.callsTo('folders.update')).toEqual([]);
    expect(within(row).getByRole('status').textContent).toBe('Unsaved changes');
    fireEvent.click(within(row).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(within(row).getByRole('status').textContent).toBe('Saved'));
    expect(engine.callsTo('folders.update')).toEqual([{ id: 'folder-1', presetIds: ['preset-1'], options: { recursive: true, processedAction: 'leave' } }]);
    // Taking away its last preset is a problem under the presets, outlined, and cannot be saved.
    fireEvent.click(within(row).getByRole('checkbox', { name: 'Hero poses' }));
    expect(within(row).getByRole('group', { name: 'Presets' }).className).toContain('invalid');
    expect(within(row).getByRole<HTMLButtonElement>('button', { name: 'Save' }).disabled).toBe(true);

    // Adding a folder the engine refuses: the reason under the path.
    const add = screen.getByRole('form', { name: 'Add a watched folder' });
    const path = within(add).getByLabelText('Folder path');
    fireEvent.change(path, { target: { value: WATCHED.path } });
    fireEvent.click(within(add).getByRole('checkbox', { name: 'Hero poses' }));
    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Add folder' })));
    await waitFor(() => expect(problemOf(path)).toBe('This folder is already watched.'));
    // Typing again: the refusal was about the old text.
    fireEvent.change(path, { target: { value: '/Users/me/Renders/depth' } });
    expect(problemOf(path)).toBeNull();
  });
});
