// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FoldersSection, folderPathProblem } from '../../src/renderer/settings/FoldersSection';
import { APP_INFO, createFakeEngine } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

describe('choosing a watched folder', () => {
  it('takes absolute paths of every desktop and explains a relative one', () => {
    for (const good of ['/Users/me/Renders', 'C:\\Renders', 'D:/Renders', '\\\\studio\\share\\renders', '']) expect(folderPathProblem(good), good).toBeNull();
    expect(folderPathProblem('Renders/poses')).toMatch(/full path/);
  });

  async function showForm(nativeFolderPicker: boolean) {
    const engine = createFakeEngine({
      'app.info': async () => ({ ...APP_INFO, nativeFolderPicker }),
      'app.pickFolder': async () => ({ path: '/Users/me/Renders/poses' }),
    });
    const { stores } = renderWithEngine(engine, <FoldersSection />);
    await act(() => stores.app.getState().load());
    return { engine, form: screen.getByRole('form', { name: 'Add a watched folder' }) };
  }

  it('in a browser: a typed path, its problem said under the field as it is typed', async () => {
    const { form } = await showForm(false);
    expect(within(form).queryByRole('button', { name: 'Choose…' })).toBeNull();
    const field = within(form).getByLabelText('Folder path');
    fireEvent.change(field, { target: { value: 'Renders/poses' } });
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(field.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(/full path/);
    expect(within(form).getByRole<HTMLButtonElement>('button', { name: 'Add folder' }).disabled).toBe(true);
    fireEvent.change(field, { target: { value: '/Users/me/Renders/poses' } });
    expect(field.getAttribute('aria-invalid')).toBe('false');
  });

  it('in the desktop app: the OS picker through the contract fills the path', async () => {
    const { engine, form } = await showForm(true);
    fireEvent.click(within(form).getByRole('button', { name: 'Choose…' }));
    await waitFor(() => expect(within(form).getByLabelText<HTMLInputElement>('Folder path').value).toBe('/Users/me/Renders/poses'));
    expect(engine.callsTo('app.pickFolder')).toHaveLength(1);
  });
});
