// @vitest-environment happy-dom
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlImage } from '../../src/renderer/detail/ControlImage';
import { APP_INFO, createFakeEngine } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

describe('control image in the detail', () => {
  async function show(input: { relPath: string | null; missing?: boolean }) {
    const { stores } = renderWithEngine(createFakeEngine({}), <ControlImage input={input} className="detail-image" />);
    await act(() => stores.app.getState().load());
  }

  it('shows the library copy', async () => {
    await show({ relPath: 'controls/ab/abc.png', missing: false });
    expect(screen.getByRole('img', { name: 'Control image' }).getAttribute('src')).toBe(`${APP_INFO.libraryUrlBase}controls/ab/abc.png`);
  });

  it('says the control image was never copied, instead of a broken image', async () => {
    await show({ relPath: null, missing: false });
    const placeholder = screen.getByRole('img', { name: 'Control image: not kept in the library' });
    expect(placeholder.tagName).not.toBe('IMG');
    expect(placeholder.textContent).toMatch(/never copied/);
  });

  it('says the copy has gone missing, and asks for no file', async () => {
    await show({ relPath: 'controls/ab/abc.png', missing: true });
    const placeholder = screen.getByRole('img', { name: 'Control image: missing from the library' });
    expect(placeholder.textContent).toMatch(/repair/);
    expect(document.querySelector('img')).toBeNull();
  });
});
