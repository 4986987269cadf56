/**
 * Sorting a batch from the keyboard in the lightbox, in a real Chromium: Left/Right browse the
 * generations, Up/Down the images of one, F favourites, 1–5 rate, Delete moves the image shown to the trash (with undo), Esc closes. Every
 * change is checked in the engine, not only on screen.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { CONTROL_IMAGES, eventually, openApp, saveScreen, type AppUnderTest } from './harness';

const SETUP_TIMEOUT_MS = 180_000;
const CONTROLS = ['canny-house-768x512.png', 'depth-sphere-512.png', 'scribble-face-512.jpg'];

describe('lightbox keyboard flow (Chromium)', () => {
  let browser: Browser;
  let app: AppUnderTest;
  let ids: string[];

  beforeAll(async () => {
    browser = await launchChromium();
    app = await openApp(browser, { latencyMs: 200 });
    const preset = await app.api.presets.create({ preset: { name: 'Sorting batch', modelId: 'model_sd15-realistic', prompt: 'ink drawing', modality: 'canny', width: 512, height: 512 } });
    const queued = await app.api.generations.generateFromFiles({ paths: CONTROLS.map((name) => path.join(CONTROL_IMAGES, name)), presetId: preset.id });
    expect(queued.skipped).toEqual([]);
    await eventually('the batch to finish', async () => {
      const { items } = await app.api.generations.page({ limit: 10, filters: { states: ['done'] } });
      return items.length === CONTROLS.length ? true : undefined;
    }, 60_000);
    // The gallery's order (newest first) is the lightbox's order.
    ids = (await app.api.generations.page({ limit: 10 })).items.map((item) => item.id);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.close();
    await browser?.close();
  });

  const summary = async (id: string) => (await app.api.generations.page({ limit: 10 })).items.find((item) => item.id === id);

  it('browses, favourites, rates, trashes with undo and closes from the keyboard', async () => {
    const { page, api } = app;
    const tiles = page.getByTestId('gallery-tile');
    await eventually('three tiles', async () => ((await tiles.count()) === 3 ? true : undefined), 15_000);
    expect(await tiles.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-generation-id')))).toEqual(ids);

    await tiles.first().dblclick();
    const lightbox = page.getByRole('dialog', { name: 'Lightbox' });
    await lightbox.waitFor();
    const position = lightbox.getByText(/^\d+ \/ \d+$/);
    await expect(position.textContent()).resolves.toBe('1 / 3');
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('.lightbox img');
      return image !== null && image.complete && image.naturalWidth > 0;
    });
    await saveScreen(page, 'lightbox');

    await page.keyboard.press('ArrowRight');
    await lightbox.getByText('2 / 3').waitFor();
    await page.keyboard.press('ArrowRight');
    await lightbox.getByText('3 / 3').waitFor();
    await page.keyboard.press('ArrowLeft');
    await lightbox.getByText('2 / 3').waitFor();
    const current = ids[1]!;

    await page.keyboard.press('f');
    await lightbox.getByRole('button', { name: 'Favourite', pressed: true }).waitFor();
    await eventually('the favourite saved', async () => ((await summary(current))?.favourite ? true : undefined));

    await page.keyboard.press('4');
    await lightbox.getByRole('button', { name: 'Rate 4', pressed: true }).waitFor();
    await eventually('the rating saved', async () => ((await summary(current))?.rating === 4 ? true : undefined));
    expect(await lightbox.getByRole('button', { name: 'Rate 5', pressed: true }).count()).toBe(0);

    // Delete takes the image shown; the generation stays (it has others) and shows its next one.
    const before = await api.generations.detail({ id: current });
    expect(before.images.length).toBeGreaterThan(1);
    const shownSrc = () => lightbox.locator('img').getAttribute('src');
    expect(await shownSrc()).toContain(before.images[0]!.relPath);
    await page.keyboard.press('Delete');
    const toast = page.getByTestId('toast').filter({ hasText: 'Moved 1 image to the trash.' });
    await toast.waitFor();
    await lightbox.getByText('2 / 3').waitFor();
    await eventually('the next image shown', async () => ((await shownSrc())?.includes(before.images[1]!.relPath) ? true : undefined));
    const after = await api.generations.detail({ id: current });
    expect(after.images.map((image) => image.id)).toEqual(before.images.slice(1).map((image) => image.id));
    expect((await api.generations.page({ limit: 10, filters: { trashed: true } })).items).toEqual([]);

    await toast.getByRole('button', { name: 'Undo' }).click();
    await eventually('the undo to restore the image', async () => ((await summary(current))?.imageCount === before.images.length ? true : undefined));
    await eventually('the first image shown again', async () => ((await shownSrc())?.includes(before.images[0]!.relPath) ? true : undefined));
    const restored = await summary(current);
    expect(restored).toMatchObject({ favourite: true, rating: 4 });

    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });
    await eventually('the restored tile back in the grid', async () => ((await tiles.count()) === 3 ? true : undefined));
    expect(app.pageErrors).toEqual([]);
  }, 60_000);

  it('steps through the images of one generation with Up/Down', async () => {
    const { page, api } = app;
    const { images } = await api.generations.detail({ id: ids[0]! });
    expect(images.length).toBeGreaterThan(2);
    const of = (place: number) => `image ${place} of ${images.length}`;

    await page.getByTestId('gallery-tile').first().dblclick();
    const lightbox = page.getByRole('dialog', { name: 'Lightbox' });
    const indicator = lightbox.getByTestId('lightbox-image-position');
    const shownSrc = () => lightbox.locator('img').getAttribute('src');
    await expect(indicator.textContent()).resolves.toBe(of(1));
    // Stepping starts once the generation's detail has arrived.
    await lightbox.getByRole('button', { name: 'Next image' }).and(page.locator(':enabled')).waitFor();
    expect(await shownSrc()).toContain(images[0]!.relPath);

    await page.keyboard.press('ArrowDown');
    await lightbox.getByText(of(2)).waitFor();
    expect(await shownSrc()).toContain(images[1]!.relPath);
    for (let place = 3; place <= images.length; place++) await page.keyboard.press('ArrowDown');
    await lightbox.getByText(of(images.length)).waitFor();
    // Past the last image it stays there.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await lightbox.getByText(of(images.length - 1)).waitFor();
    expect(await shownSrc()).toContain(images[images.length - 2]!.relPath);
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('.lightbox img');
      return image !== null && image.complete && image.naturalWidth > 0;
    });
    await expect(lightbox.getByText('↑/↓ image', { exact: false }).count()).resolves.toBe(1);
    await saveScreen(page, 'lightbox-images');

    // Left/Right still move between generations, each starting at its first image.
    await page.keyboard.press('ArrowRight');
    await lightbox.getByText('2 / 3').waitFor();
    const second = await api.generations.detail({ id: ids[1]! });
    await eventually('the next generation\'s first image', async () => ((await shownSrc())?.includes(second.images[0]!.relPath) ? true : undefined));
    await expect(indicator.textContent()).resolves.toBe(`image 1 of ${second.images.length}`);

    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });
    expect(app.pageErrors).toEqual([]);
  }, 60_000);
});
