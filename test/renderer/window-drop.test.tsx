// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { WindowDrop } from '../../src/renderer/common/WindowDrop';
import { Toasts } from '../../src/renderer/common/Toasts';
import { FILE_PATH_UNKNOWN, FOLDER_PATH_UNKNOWN, NOT_AN_IMAGE, type DropItem } from '../../src/renderer/common/droppedFiles';
import type { Folder, PresetSummary } from '../../src/shared/ipc/contract';
import { createFakeEngine, type FakeEngine } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function preset(id: string, name: string): PresetSummary {
  return { id, name, modelId: 'model_sdxl', family: 'sd-xl', modality: 'pose', version: 1, updatedAt: '2025-06-01T10:00:00.000Z', folderCount: 0, generationCount: 0 };
}

function folder(path: string, presetIds: string[]): Folder {
  return { id: 'folder-1', path, presetIds, options: { recursive: false, extensions: ['png'], processedAction: 'leave', allowDuplicates: false }, state: 'watching', message: null, pendingCount: 0 };
}

const APP_PARAMETERS = { name: 'Hero poses', modelId: 'model_sdxl', prompt: 'a knight in armour', modality: 'pose', seed: '42' };

/** A dropped thing as Chromium presents it: a File, and an entry that says whether it is a folder. */
interface Dropped {
  file: File;
  folder?: boolean;
}

function dataTransferOf(dropped: Dropped[]) {
  const items: DropItem[] = dropped.map(({ file, folder: isFolder = false }) => ({
    kind: 'file',
    getAsFile: () => file,
    webkitGetAsEntry: () => ({ isDirectory: isFolder }),
  }));
  return { types: ['Files'], items, files: dropped.map(({ file }) => file) };
}

function dispatchDrag(type: 'dragover' | 'dragleave' | 'drop', dropped: Dropped[]): Event {
  const event = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'dataTransfer', { value: dataTransferOf(dropped) });
  Object.defineProperty(event, 'relatedTarget', { value: null });
  act(() => {
    window.dispatchEvent(event);
  });
  return event;
}

/** The window over a fake engine whose host knows these files' paths (the preload's webUtils in the app). */
function renderDesktop(engine: FakeEngine, paths: Map<File, string>) {
  const desktop = { ...engine, api: { ...engine.api, pathForFile: (file: File) => paths.get(file) ?? null } };
  return renderWithEngine(desktop, (
    <>
      <WindowDrop />
      <Toasts />
    </>
  ));
}

describe('dropping files on the window', () => {
  it('shows an overlay while dragging, then generates the images and watches the folder with the chosen preset', async () => {
    const hero = new File([PNG_BYTES], 'hero.png', { type: 'image/png' });
    const sketch = new File([PNG_BYTES], 'sketch.jpg', { type: 'image/jpeg' });
    const huge = new File([PNG_BYTES], 'huge.webp', { type: 'image/webp' });
    const notes = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    const renders = new File([], 'renders');
    const paths = new Map([
      [hero, '/art/hero.png'],
      [sketch, '/art/sketch.jpg'],
      [huge, '/art/huge.webp'],
      [notes, '/art/notes.txt'],
      [renders, '/art/renders'],
    ]);
    const engine = createFakeEngine({
      'presets.list': async () => [preset('preset-1', 'Hero poses'), preset('preset-2', 'Depth city')],
      'generations.recallFromPng': async (input) => ({ parameters: 'path' in input && input.path === '/art/hero.png' ? APP_PARAMETERS : null, generationId: null }),
      'generations.generateFromFiles': async ({ paths: given }) => ({
        generationIds: given.filter((path) => path !== '/art/huge.webp').map((_path, index) => String(index + 10)),
        skipped: [{ path: '/art/huge.webp', reason: 'huge.webp is 4096 px wide: this model allows at most 2048 px.' }],
      }),
      'folders.add': async ({ path, presetIds }) => folder(path, presetIds),
    });
    renderDesktop(engine, paths);
    const dropped = [{ file: hero }, { file: sketch }, { file: huge }, { file: notes }, { file: renders, folder: true }];

    const dragOver = dispatchDrag('dragover', dropped);
    expect(dragOver.defaultPrevented).toBe(true);
    expect(document.querySelector('.drop-overlay')?.textContent).toContain('Drop images to generate');
    dispatchDrag('dragleave', dropped);
    expect(document.querySelector('.drop-overlay')).toBeNull();

    dispatchDrag('dragover', dropped);
    const drop = dispatchDrag('drop', dropped);
    expect(drop.defaultPrevented).toBe(true);
    expect(document.querySelector('.drop-overlay')).toBeNull();

    const dialog = await screen.findByRole('dialog', { name: 'Dropped files' });
    expect(within(dialog).getByTestId('drop-images').textContent).toBe('hero.pngsketch.jpghuge.webp');
    expect(within(dialog).getByTestId('drop-folders').textContent).toBe('/art/renders');
    expect(within(dialog).getByTestId('drop-skipped').textContent).toBe(`notes.txt: ${NOT_AN_IMAGE}`);
    // hero.png carries this app's parameters: recalling them is offered beside generating.
    await within(dialog).findByRole('button', { name: 'Recall settings of hero.png' });
    expect(engine.callsTo('generations.recallFromPng')).toEqual([{ path: '/art/hero.png' }]);

    const presetSelect = await within(dialog).findByRole('combobox', { name: 'Preset' });
    await within(dialog).findByRole('option', { name: 'Depth city' });
    fireEvent.change(presetSelect, { target: { value: 'preset-2' } });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Include subfolders' }));
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Generate 3 images and watch 1 folder' }));
    });

    expect(engine.callsTo('generations.generateFromFiles')).toEqual([{ paths: ['/art/hero.png', '/art/sketch.jpg', '/art/huge.webp'], presetId: 'preset-2' }]);
    expect(engine.callsTo('folders.add')).toEqual([{ path: '/art/renders', presetIds: ['preset-2'], options: { recursive: true } }]);
    // The engine's reason for the file it did not take is listed under the file's name.
    const result = await screen.findByRole('dialog', { name: 'Some files were not taken' });
    expect(within(result).getByTestId('drop-skipped').textContent).toBe(
      `notes.txt: ${NOT_AN_IMAGE}huge.webp: huge.webp is 4096 px wide: this model allows at most 2048 px.`,
    );
    expect(screen.getByTestId('toast').textContent).toContain('Queued 2 generations with “Depth city”. Watching /art/renders with “Depth city”.');
    fireEvent.click(within(result).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('recalls the settings of a PNG made by this app', async () => {
    const hero = new File([PNG_BYTES], 'hero.png', { type: 'image/png' });
    const engine = createFakeEngine({
      'presets.list': async () => [preset('preset-1', 'Hero poses')],
      'generations.recallFromPng': async () => ({ parameters: APP_PARAMETERS, generationId: '7' }),
    });
    renderDesktop(engine, new Map([[hero, '/art/hero.png']]));
    dispatchDrag('drop', [{ file: hero }]);

    const dialog = await screen.findByRole('dialog', { name: 'Dropped files' });
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Recall settings of hero.png' }));
    const recalled = await screen.findByRole('dialog', { name: 'Parameters in hero.png' });
    expect(JSON.parse(within(recalled).getByTestId('recalled-parameters').textContent ?? '')).toEqual(APP_PARAMETERS);
    expect(within(recalled).getByRole('button', { name: 'Open its generation' })).toBeTruthy();
    expect(engine.callsTo('generations.generateFromFiles')).toEqual([]);
  });

  it('in a browser, where no path is known, says generating and watching need the desktop app and still recalls by bytes', async () => {
    const hero = new File([PNG_BYTES], 'hero.png', { type: 'image/png' });
    const renders = new File([], 'renders');
    const engine = createFakeEngine({
      'presets.list': async () => [preset('preset-1', 'Hero poses')],
      'generations.recallFromPng': async () => ({ parameters: APP_PARAMETERS, generationId: null }),
    });
    // The fake engine's client is the browser's: pathForFile answers null.
    renderWithEngine(engine, <WindowDrop />);
    dispatchDrag('drop', [{ file: hero }, { file: renders, folder: true }]);

    const dialog = await screen.findByRole('dialog', { name: 'Dropped files' });
    expect(within(dialog).getByTestId('drop-skipped').textContent).toBe(`hero.png: ${FILE_PATH_UNKNOWN}renders: ${FOLDER_PATH_UNKNOWN}`);
    expect(within(dialog).queryByRole('button', { name: /^Generate/ })).toBeNull();
    await within(dialog).findByRole('button', { name: 'Recall settings of hero.png' });
    expect(engine.callsTo('generations.recallFromPng')).toEqual([{ bytesBase64: Buffer.from(PNG_BYTES).toString('base64') }]);
  });

  it('offers no recall for a PNG this app did not make, and leaves drags without files alone', async () => {
    const photo = new File([PNG_BYTES], 'photo.png', { type: 'image/png' });
    const engine = createFakeEngine({
      'presets.list': async () => [],
      'generations.recallFromPng': async () => ({ parameters: null, generationId: null }),
    });
    renderDesktop(engine, new Map([[photo, '/art/photo.png']]));

    const textDrag = new Event('dragover', { bubbles: true, cancelable: true });
    Object.defineProperty(textDrag, 'dataTransfer', { value: { types: ['text/plain'], files: [] } });
    act(() => {
      window.dispatchEvent(textDrag);
    });
    expect(textDrag.defaultPrevented).toBe(false);
    expect(document.querySelector('.drop-overlay')).toBeNull();

    dispatchDrag('drop', [{ file: photo }]);
    const dialog = await screen.findByRole('dialog', { name: 'Dropped files' });
    // No preset yet: the window says how to make one instead of offering a button that cannot work.
    await within(dialog).findByRole('button', { name: 'Make a preset' });
    expect((within(dialog).getByRole('button', { name: 'Generate 1 image' }) as HTMLButtonElement).disabled).toBe(true);
    // Let the probe's answer arrive before checking that it offered nothing.
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(engine.callsTo('generations.recallFromPng')).toEqual([{ path: '/art/photo.png' }]);
    expect(within(dialog).queryByRole('button', { name: /^Recall/ })).toBeNull();
  });
});
