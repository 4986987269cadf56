/**
 * The preset editor's model thumbnails and version history in a real Chromium, against the
 * engine and the simulator: every model card shows the thumbnail the engine cached in the
 * library; an old version opens read-only with the generation made with it, and restoring it
 * saves a new version.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { CONTROL_IMAGES, SCREENS_DIR, eventually, openApp, saveScreen, type AppUnderTest } from './harness';

const SETUP_TIMEOUT_MS = 180_000;
const FIRST = { name: 'Clay houses', modelId: 'model_sd15-realistic', prompt: 'a clay house on a hill', modality: 'canny', width: 512, height: 512, numSamples: 1 };

describe('preset versions and model thumbnails (Chromium)', () => {
  let browser: Browser;
  let app: AppUnderTest;
  let presetId: string;
  let generationId: string;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await openApp(browser, { latencyMs: 100 });
    presetId = (await app.api.presets.create({ preset: FIRST })).id;
    const queued = await app.api.generations.generateFromFiles({ paths: [path.join(CONTROL_IMAGES, 'canny-house-768x512.png')], presetId });
    generationId = queued.generationIds[0] ?? '';
    await eventually('the generation to finish', async () => ((await app.api.generations.detail({ id: generationId })).state === 'done' ? true : undefined), 60_000);
    await app.api.presets.update({ id: presetId, preset: { ...FIRST, prompt: 'a clay cottage by a lake', guidance: 9 } });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.close();
    await browser?.close();
  });

  it('shows every model card with its thumbnail from the library', async () => {
    const { page } = app;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Presets' }).click();
    await page.getByRole('listbox', { name: 'Presets' }).getByRole('option', { name: /Clay houses/ }).click();
    const cards = page.getByTestId('model-card');
    await eventually('the model cards', async () => ((await cards.count()) > 3 ? true : undefined));
    const libraryBase = (await app.api.app.info()).libraryUrlBase;
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.model-card img')].every((image) => image.complete && image.naturalWidth > 0));
    const sources = await cards.evaluateAll((elements) => elements.map((element) => element.querySelector('img')?.getAttribute('src') ?? null));
    expect(sources.length).toBe(await cards.count());
    for (const source of sources) expect(source?.startsWith(`${libraryBase}thumbs/models/`)).toBe(true);
    await saveScreen(page, 'preset-editor-thumbnails');
    await page.getByRole('radiogroup', { name: 'Models' }).screenshot({ path: path.join(SCREENS_DIR, 'model-picker.png') });
    expect(app.pageErrors).toEqual([]);
  }, 60_000);

  it('opens version 1 read-only with its generation, and restores it as version 3', async () => {
    const { page, api } = app;
    const history = page.getByRole('region', { name: 'Version history' });
    await history.getByRole('button', { name: 'Version 1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Version 1 of Clay houses' });
    await dialog.waitFor();
    const prompt = dialog.getByRole('table', { name: 'Values of this version' }).getByRole('row', { name: /Prompt/ });
    await expect(prompt.textContent()).resolves.toContain('a clay house on a hill');
    await expect(prompt.getAttribute('data-differs')).resolves.toBe('true');
    const uses = dialog.getByRole('region', { name: 'Generations made with this version' });
    await uses.getByRole('heading', { name: 'Used by 1 generation' }).waitFor();
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('.version-use img');
      return image !== null && image.complete && image.naturalWidth > 0;
    });
    await saveScreen(page, 'preset-version');

    await dialog.getByRole('button', { name: 'Restore version 1' }).click();
    await page.getByTestId('toast').filter({ hasText: 'Restored version 1 as version 3.' }).waitFor();
    await dialog.waitFor({ state: 'detached' });
    const restored = await api.presets.get({ id: presetId });
    expect(restored.version).toBe(3);
    expect(restored.preset).toMatchObject({ prompt: FIRST.prompt, modality: 'canny' });
    expect(restored.preset.guidance).toBeUndefined();
    await expect(page.getByRole('form', { name: 'Preset' }).getByLabel('Prompt', { exact: true }).inputValue()).resolves.toBe(FIRST.prompt);
    await history.getByRole('listitem').nth(2).waitFor();
    await history.scrollIntoViewIfNeeded();
    await page.locator('.preset-usage').screenshot({ path: path.join(SCREENS_DIR, 'preset-version-history.png') });

    // From a version to the generation it made, and back from the generation to its version.
    await history.getByRole('button', { name: 'Version 1' }).click();
    await dialog.getByRole('button', { name: /canny-house-768x512\.png/ }).click();
    const panel = page.getByRole('complementary', { name: 'Generation details' });
    await panel.getByRole('button', { name: 'version 1' }).click();
    await dialog.waitFor();
    expect(app.pageErrors).toEqual([]);
  }, 60_000);

  it('shows a placeholder, not a broken image, for a control image deleted outside the app', async () => {
    const { page, api } = app;
    const { input } = await api.generations.detail({ id: generationId });
    rmSync(path.join(app.home, 'library', ...(input.relPath ?? '').split('/')));

    await page.getByRole('dialog', { name: 'Version 1 of Clay houses' }).getByRole('button', { name: /canny-house-768x512\.png/ }).click();
    const panel = page.getByRole('complementary', { name: 'Generation details' });
    await panel.getByRole('img', { name: 'Control image: missing from the library' }).waitFor();
    expect(await panel.locator('figure').first().getByRole('button', { name: 'Reveal' }).count()).toBe(0);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.detail-panel img')].every((image) => image.complete && image.naturalWidth > 0));
    await saveScreen(page, 'detail-control-missing');
    expect(app.pageErrors).toEqual([]);
  }, 60_000);
});
