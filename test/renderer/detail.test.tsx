// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Toasts } from '../../src/renderer/common/Toasts';
import { ControlImage } from '../../src/renderer/detail/ControlImage';
import { DetailPanel } from '../../src/renderer/detail/DetailPanel';
import { APP_INFO, createFakeEngine, generationDetail } from './fake-engine';
import { imageLibrary } from './image-library';
import { renderWithEngine } from './render';

afterEach(cleanup);

describe('control image in the detail', () => {
  async function show(input: { relPath: string | null; missing: boolean }) {
    const { stores } = renderWithEngine(createFakeEngine({}), <ControlImage input={input} className="detail-image" />);
    await act(() => stores.app.getState().load());
  }

  it('shows the library copy', async () => {
    await show({ relPath: 'controls/ab/abc.png', missing: false });
    expect(screen.getByRole('img', { name: 'Control image' }).getAttribute('src')).toBe(`${APP_INFO.libraryUrlBase}controls/ab/abc.png`);
  });

  it('says the control image was never copied, instead of a broken image', async () => {
    await show({ relPath: null, missing: true });
    const placeholder = screen.getByRole('img', { name: 'Control image: not copied into the library' });
    expect(placeholder.tagName).not.toBe('IMG');
    expect(placeholder.textContent).toMatch(/refused before a copy/);
  });

  it('says the copy has gone missing, and asks for no file', async () => {
    await show({ relPath: 'controls/ab/abc.png', missing: true });
    const placeholder = screen.getByRole('img', { name: 'Control image: missing from the library' });
    // A repair does not bring a control image back; taking the original in again does.
    expect(placeholder.textContent).toMatch(/new generation from the original file puts it back/);
    expect(document.querySelector('img')).toBeNull();
  });
});

describe('detail panel', () => {
  it('shows a refused input\'s placeholder, with its original path and nothing to reveal', async () => {
    const input = { relPath: null, missing: true, name: 'huge.png', originalPath: '/renders/huge.png', sha256: 'cd'.repeat(32), width: null, height: null };
    const engine = createFakeEngine({ 'generations.detail': async ({ id }) => generationDetail(id, { state: 'failed', images: [], input }) });
    const { stores } = renderWithEngine(engine, <DetailPanel />);
    await act(() => stores.app.getState().load());
    act(() => stores.gallery.getState().openDetail('g1'));

    const control = (await screen.findByRole('img', { name: 'Control image: not copied into the library' })).closest('figure') as HTMLElement;
    expect(within(control).getByText(/huge\.png/)).toBeTruthy();
    expect(within(control).queryByRole('button', { name: 'Reveal' })).toBeNull();
    expect(screen.getByText('/renders/huge.png')).toBeTruthy();
  });

  async function openPanel(imageCounts: Record<string, number>) {
    const library = imageLibrary(imageCounts);
    const engine = createFakeEngine(library.handlers);
    const { stores } = renderWithEngine(engine, <><DetailPanel /><Toasts /></>);
    await act(() => stores.app.getState().load());
    await act(() => stores.gallery.getState().reload());
    act(() => stores.gallery.getState().openDetail('g1'));
    await screen.findByRole('img', { name: 'Output 1' });
    return { engine, library, stores };
  }
  const outputs = () => screen.getAllByRole('img', { name: /^Output \d$/ }).map((image) => image.getAttribute('src')?.split('/').pop());

  it('moves one output to the trash, keeps the others, and undoes it from the toast', async () => {
    const { engine, library } = await openPanel({ g1: 3 });
    expect(outputs()).toEqual(['g1-0.webp', 'g1-1.webp', 'g1-2.webp']);

    fireEvent.click(screen.getByRole('button', { name: 'Move output 2 to the trash' }));
    await waitFor(() => expect(outputs()).toEqual(['g1-0.webp', 'g1-2.webp']));
    expect(engine.callsTo('images.trash')).toEqual([{ imageIds: ['g1-image-1'] }]);
    expect(await screen.findByText('Moved 1 image to the trash.')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(outputs()).toEqual(['g1-0.webp', 'g1-1.webp', 'g1-2.webp']));
    expect(library.imagesOf('g1')).toHaveLength(3);
  });

  it('takes the generation along with its last output and closes the panel', async () => {
    const { engine, library, stores } = await openPanel({ g1: 1 });
    fireEvent.click(screen.getByRole('button', { name: 'Move output 1 to the trash' }));
    await waitFor(() => expect(screen.queryByRole('complementary', { name: 'Generation details' })).toBeNull());
    expect(engine.callsTo('generations.trash')).toEqual([{ ids: ['g1'] }]);
    expect(library.isTrashed('g1')).toBe(true);
    expect(stores.gallery.getState().items).toEqual([]);
    fireEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(library.isTrashed('g1')).toBe(false));
  });
});
