// @vitest-environment happy-dom
import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlImage } from '../../src/renderer/detail/ControlImage';
import { DetailPanel } from '../../src/renderer/detail/DetailPanel';
import { APP_INFO, createFakeEngine, generationDetail } from './fake-engine';
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
    expect(placeholder.textContent).toMatch(/repair/);
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
});
