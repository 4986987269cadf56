// @vitest-environment happy-dom
/**
 * Stepping through the images of one generation in the lightbox: Up/Down move between its
 * images, Left/Right still between generations, and Delete takes the image on screen.
 */
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContractHandlers } from '../../src/shared/ipc/contract';
import { Toasts } from '../../src/renderer/common/Toasts';
import { Lightbox } from '../../src/renderer/lightbox/Lightbox';
import { createFakeEngine } from './fake-engine';
import { imageLibrary } from './image-library';
import { renderWithEngine } from './render';

afterEach(cleanup);

async function openOn(id: string, imageCounts: Record<string, number>, overrides: Partial<ContractHandlers> = {}) {
  const library = imageLibrary(imageCounts);
  const engine = createFakeEngine({ ...library.handlers, ...overrides });
  const { stores } = renderWithEngine(engine, <><Lightbox /><Toasts /></>);
  await act(() => stores.app.getState().load());
  await act(() => stores.gallery.getState().reload());
  act(() => stores.gallery.getState().openLightbox(id));
  return { engine, library };
}

const press = (key: string) => act(() => void fireEvent.keyDown(window, { key }));
const lightbox = () => screen.getByRole('dialog', { name: 'Lightbox' });
const shownSrc = () => lightbox().querySelector('img')?.getAttribute('src') ?? '';
const indicator = () => screen.queryByTestId('lightbox-image-position')?.textContent ?? null;
/** The counter shows the gallery's image count at once; stepping waits for the generation's detail. */
const imagesArrived = () => waitFor(() => expect(screen.getByRole('button', { name: 'Next image' }).hasAttribute('disabled')).toBe(false));

describe('lightbox images of one generation', () => {
  it('steps through the images with Up/Down, and between generations with Left/Right', async () => {
    const { engine } = await openOn('g1', { g1: 3, g2: 1 });
    expect(indicator()).toBe('image 1 of 3');
    await imagesArrived();
    expect(shownSrc()).toMatch(/outputs\/g1-0\.png$/);
    expect(lightbox().textContent).toContain('↑/↓ image');

    press('ArrowDown');
    expect(indicator()).toBe('image 2 of 3');
    expect(shownSrc()).toMatch(/outputs\/g1-1\.png$/);
    press('ArrowDown');
    press('ArrowDown');
    // Stops at the last image rather than wrapping round.
    expect(indicator()).toBe('image 3 of 3');
    expect(shownSrc()).toMatch(/outputs\/g1-2\.png$/);
    press('ArrowUp');
    expect(shownSrc()).toMatch(/outputs\/g1-1\.png$/);
    fireEvent.click(screen.getByRole('button', { name: 'Previous image' }));
    expect(indicator()).toBe('image 1 of 3');
    expect(screen.getByRole('button', { name: 'Previous image' }).hasAttribute('disabled')).toBe(true);

    press('ArrowDown');

    // A single-image generation shows no image counter; coming back starts at the first image.
    press('ArrowRight');
    await waitFor(() => expect(shownSrc()).toMatch(/outputs\/g2-0\.png$/));
    expect(indicator()).toBeNull();
    press('ArrowLeft');
    await imagesArrived();
    expect(indicator()).toBe('image 1 of 3');
    expect(shownSrc()).toMatch(/outputs\/g1-0\.png$/);

    // Stepping between images asks the engine nothing more: one detail per generation shown.
    expect(engine.callsTo('generations.detail')).toEqual([{ id: 'g1' }, { id: 'g2' }, { id: 'g1' }]);
  });

  it('takes a key pressed the moment the images are drawn', async () => {
    let release = () => {};
    const arrived = new Promise<void>((resolve) => (release = resolve));
    const library = imageLibrary({ g1: 3 });
    const detail = library.handlers['generations.detail'];
    if (!detail) throw new Error('the image library has no detail handler');
    await openOn('g1', { g1: 3 }, {
      'generations.detail': async (input) => {
        await arrived;
        return detail(input);
      },
    });
    // Pressed from the mutation that enables the buttons: after React drew the images, before
    // anything else (its passive effects included) had a turn.
    const pressed = new Promise<void>((resolve) => {
      const observer = new MutationObserver(() => {
        if (screen.getByRole('button', { name: 'Next image' }).hasAttribute('disabled')) return;
        observer.disconnect();
        window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown' }));
        resolve();
      });
      observer.observe(lightbox(), { subtree: true, attributes: true, childList: true });
    });
    release();
    await pressed;
    await waitFor(() => expect(indicator()).toBe('image 2 of 3'));
    expect(shownSrc()).toMatch(/outputs\/g1-1\.png$/);
  });

  it('deletes the image on screen, shows the next one, and shows it again after Undo', async () => {
    const { engine, library } = await openOn('g1', { g1: 3 });
    await imagesArrived();
    press('ArrowDown');

    press('Delete');
    await waitFor(() => expect(engine.callsTo('images.trash')).toEqual([{ imageIds: ['g1-image-1'] }]));
    await waitFor(() => expect(indicator()).toBe('image 2 of 2'));
    expect(shownSrc()).toMatch(/outputs\/g1-2\.png$/);

    fireEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(library.imagesOf('g1')).toEqual(['g1-image-0', 'g1-image-1', 'g1-image-2']));
    await waitFor(() => expect(indicator()).toBe('image 2 of 3'));
    expect(shownSrc()).toMatch(/outputs\/g1-1\.png$/);

    // The last image gone, its predecessor (now the last) takes its place.
    press('ArrowDown');
    press('Delete');
    await waitFor(() => expect(engine.callsTo('images.trash')).toContainEqual({ imageIds: ['g1-image-2'] }));
    await waitFor(() => expect(indicator()).toBe('image 2 of 2'));
    expect(shownSrc()).toMatch(/outputs\/g1-1\.png$/);
  });

  it('shows the placeholder for an image whose file is missing', async () => {
    const library = imageLibrary({ g1: 2 });
    const detail = library.handlers['generations.detail'];
    if (!detail) throw new Error('the image library has no detail handler');
    await openOn('g1', { g1: 2 }, {
      'generations.detail': async (input) => {
        const full = await detail(input);
        return { ...full, images: full.images.map((image, index) => ({ ...image, missing: index === 1 })) };
      },
    });
    await imagesArrived();
    expect(screen.queryByTestId('image-missing')).toBeNull();

    press('ArrowDown');
    expect(indicator()).toBe('image 2 of 2');
    expect(screen.getByTestId('image-missing')).toBeTruthy();
    expect(lightbox().querySelector('img')).toBeNull();
  });
});
