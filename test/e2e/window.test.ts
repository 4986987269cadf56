/**
 * The window as an artist lives in it, in a real Chromium against the simulator: running work
 * shows its control image and progress, a failure is shown where the person looks and retried
 * from the queue, and the grid is driven from the keyboard. One app for the file; each step
 * builds on the last. Screens are saved at 1440×900 and 1024×700 under test-artifacts/screens.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expectAccessible } from './accessibility';
import { launchChromium } from './chromium';
import { CONTROL_IMAGES, eventually, openApp, saveScreen, type AppUnderTest } from './harness';

const SETUP_TIMEOUT_MS = 180_000;
/** Long enough to see a job run in the gallery. */
const JOB_LATENCY_MS = 3000;
const CONTROLS = ['canny-house-768x512.png', 'depth-sphere-512.png', 'scribble-face-512.jpg'];

async function navigate(page: Page, screen: 'Gallery' | 'Presets' | 'Queue' | 'Trash' | 'Settings') {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: screen }).click();
}

/** The screen at both window sizes the issue asks for. */
async function saveBothSizes(page: Page, name: string) {
  await saveScreen(page, `${name}-1440x900`);
  await page.setViewportSize({ width: 1024, height: 700 });
  await saveScreen(page, `${name}-1024x700`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

const tile = (page: Page, id: string) => page.locator(`[data-testid="gallery-tile"][data-generation-id="${id}"]`);
const focusedId = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.generationId ?? null);

describe('live work, failures and the grid (Chromium)', () => {
  let browser: Browser;
  let app: AppUnderTest;
  let presetId: string;

  const finished = (id: string, timeoutMs = 30_000) =>
    eventually(`generation ${id} to finish`, async () => {
      const detail = await app.api.generations.detail({ id });
      return detail.state === 'done' ? detail : undefined;
    }, timeoutMs);

  beforeAll(async () => {
    browser = await launchChromium();
    app = await openApp(browser, { latencyMs: JOB_LATENCY_MS });
    presetId = (await app.api.presets.create({ preset: { name: 'Clay studies', modelId: 'model_sd15-realistic', prompt: 'a clay study', modality: 'canny', width: 512, height: 768 } })).id;
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.close();
    await browser?.close();
  });

  it('shows a running tile with its control image, its state and a rising progress ring', async () => {
    const { page, api } = app;
    const { generationIds } = await api.generations.generateFromFiles({ paths: [path.join(CONTROL_IMAGES, CONTROLS[0]!)], presetId });
    const id = generationIds[0]!;
    const running = tile(page, id);
    await running.waitFor({ timeout: 15_000 });
    // Its control image, loaded from the library (not the missing-file placeholder).
    await page.waitForFunction((generationId) => {
      const image = document.querySelector<HTMLImageElement>(`[data-generation-id="${generationId}"] img`);
      return image !== null && image.complete && image.naturalWidth > 0 && image.src.includes('/controls/');
    }, id, { timeout: 15_000 });
    const ring = running.getByRole('progressbar');
    await eventually('the ring to show progress above 0 %', async () => {
      const percent = Number(await ring.getAttribute('aria-valuenow', { timeout: 2000 }).catch(() => null));
      return percent > 0 ? percent : undefined;
    }, 15_000);
    expect(await running.getByTestId('tile-live').textContent()).toMatch(/Generating \d+ %/);
    await saveBothSizes(page, 'gallery-running');
    await expectAccessible(page, 'the gallery with a running tile');

    await finished(id);
    await running.getByTestId('tile-live').waitFor({ state: 'detached', timeout: 15_000 });
    await page.waitForFunction((generationId) => {
      const image = document.querySelector<HTMLImageElement>(`[data-generation-id="${generationId}"] img`);
      return image !== null && image.complete && image.naturalWidth > 0 && !image.src.includes('/controls/');
    }, id, { timeout: 15_000 });
    expect(app.pageErrors).toEqual([]);
  }, 90_000);

  it('shows a failure live (toast, failed tile with its reason) and retries it from the Failed section of the queue', async () => {
    const { page, api } = app;
    const simulator = app.host.engine.simulator!;
    simulator.setFaults('fail=1');
    const id = (await api.generations.generateFromFiles({ paths: [path.join(CONTROL_IMAGES, CONTROLS[1]!)], presetId })).generationIds[0]!;
    try {
      const toast = page.getByTestId('toast').filter({ hasText: 'A generation failed.' });
      await toast.waitFor({ timeout: 30_000 });
      expect(await toast.textContent()).toContain('GPU worker');
      // The focus on its button keeps the toast while it is looked at (screenshots and the
      // accessibility check outlasted its 10 s on a loaded machine), as it would for a person.
      await toast.getByRole('button', { name: 'Show failed' }).focus();
      const failure = tile(page, id).getByTestId('tile-failure');
      await failure.waitFor();
      expect(await failure.textContent()).toContain('GPU worker');
      await saveBothSizes(page, 'gallery-failed');
      await expectAccessible(page, 'the gallery with a failed tile and its toast');
    } finally {
      simulator.setFaults({});
    }

    await page.getByTestId('toast').filter({ hasText: 'A generation failed.' }).getByRole('button', { name: 'Show failed' }).click();
    const failedSection = page.getByRole('region', { name: 'Failed' });
    const row = failedSection.locator(`[data-testid="failed-row"][data-generation-id="${id}"]`);
    await row.waitFor();
    expect(await row.getByTestId('failure-reason').textContent()).toContain('GPU worker');
    await saveBothSizes(page, 'queue-failed');
    await expectAccessible(page, 'the queue with a failure');

    await row.getByRole('button', { name: 'Retry' }).click();
    await finished(id);
    await row.waitFor({ state: 'detached', timeout: 15_000 });
    // It joins today's results, whose thumbnail leads to it in the gallery.
    const thumb = page.getByRole('region', { name: 'Finished today' }).getByRole('button', { name: /depth-sphere-512\.png/ });
    await thumb.waitFor({ timeout: 15_000 });
    await saveBothSizes(page, 'queue-finished');
    await thumb.click();
    await page.getByRole('complementary', { name: 'Generation details' }).getByRole('button', { name: 'Reproduce exactly' }).waitFor();
    expect(await tile(page, id).getAttribute('data-state')).toBe('done');
    expect(app.pageErrors).toEqual([]);
  }, 90_000);

  it('moves through the grid with the arrows, selects with Space and Shift, opens with Enter without selecting', async () => {
    const { page, api } = app;
    const { generationIds } = await api.generations.generateFromFiles({ paths: [path.join(CONTROL_IMAGES, CONTROLS[2]!)], presetId });
    await finished(generationIds[0]!);
    await page.getByRole('complementary', { name: 'Generation details' }).getByRole('button', { name: 'Close details' }).click();
    const ids = (await api.generations.page({ limit: 10 })).items.map((item) => item.id);
    expect(ids).toHaveLength(3);
    await eventually('three finished tiles', async () => ((await page.locator('[data-testid="gallery-tile"][data-state="done"]').count()) === 3 ? true : undefined), 15_000);

    // Each tile keeps its image's shape: the landscape control's 512×768 output is taller than wide.
    const box = await tile(page, ids[0]!).locator('.tile-art').boundingBox();
    expect(box!.height).toBeGreaterThan(box!.width);

    await tile(page, ids[0]!).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => focusedId(page)).toBe(ids[1]);
    await page.keyboard.press('Space');
    expect(await tile(page, ids[1]!).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => focusedId(page)).toBe(ids[2]);
    expect(await tile(page, ids[2]!).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('toolbar', { name: 'Selection actions' }).getByText('2 selected').waitFor();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => focusedId(page)).toBe(ids[0]);
    await saveBothSizes(page, 'gallery-selection');
    await expectAccessible(page, 'the gallery with a selection');

    // Enter opens the lightbox on the focused tile; it does not select it.
    const gridTop = await tile(page, ids[0]!).boundingBox();
    await page.keyboard.press('Enter');
    const lightbox = page.getByRole('dialog', { name: 'Lightbox' });
    await lightbox.waitFor();
    expect(await tile(page, ids[0]!).getAttribute('aria-selected')).toBe('false');
    await expectAccessible(page, 'the lightbox');
    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });

    // A double-click opens too, and leaves the selection as it was; nothing moved the tiles.
    await tile(page, ids[0]!).dblclick();
    await lightbox.waitFor();
    await page.keyboard.press('Escape');
    expect(await tile(page, ids[0]!).getAttribute('aria-selected')).toBe('false');
    expect(await tile(page, ids[1]!).getAttribute('aria-selected')).toBe('true');
    expect(await tile(page, ids[0]!).boundingBox()).toEqual(gridTop);

    // The size slider makes the tiles larger.
    await page.getByRole('slider', { name: 'Thumbnail size' }).fill('360');
    await eventually('larger tiles', async () => ((await tile(page, ids[0]!).locator('.tile-art').boundingBox())!.height > box!.height ? true : undefined));
    expect(app.pageErrors).toEqual([]);
  }, 90_000);

  it('rates with one key (the selection at once), tags with commas and removes a tag with its ×', async () => {
    const { page, api } = app;
    const ids = (await api.generations.page({ limit: 10 })).items.map((item) => item.id);
    // Two tiles are still selected from the last step: a key on one of them rates both.
    await tile(page, ids[1]!).focus();
    await page.keyboard.press('4');
    await eventually('both selected generations rated 4', async () => {
      const { items } = await api.generations.page({ limit: 10 });
      return ids.slice(1).every((id) => items.find((item) => item.id === id)?.rating === 4) ? true : undefined;
    });
    expect(await tile(page, ids[1]!).locator('.stars').getAttribute('data-rating')).toBe('4');
    // A tile outside the selection is rated alone.
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('2');
    await eventually('the focused generation rated 2', async () => ((await api.generations.page({ limit: 10 })).items.find((item) => item.id === ids[0])?.rating === 2 ? true : undefined));
    expect((await api.generations.page({ limit: 10 })).items.find((item) => item.id === ids[1])?.rating).toBe(4);
    await page.getByRole('toolbar', { name: 'Selection actions' }).getByRole('button', { name: 'Clear selection' }).click();

    await tile(page, ids[0]!).click();
    const panel = page.getByRole('complementary', { name: 'Generation details' });
    await panel.getByLabel('Add tags').fill('hero, keep, castle');
    await panel.getByRole('button', { name: 'Add 3 tags' }).click();
    const chips = panel.getByRole('list', { name: 'Tags' }).getByRole('listitem');
    await eventually('three tag chips', async () => ((await chips.count()) === 3 ? true : undefined));
    expect(await chips.allTextContents()).toEqual(['castle×', 'hero×', 'keep×']);
    await saveBothSizes(page, 'detail');
    await expectAccessible(page, 'the detail panel');

    await panel.getByRole('button', { name: 'Remove tag hero' }).click();
    await eventually('the tag to be removed in the engine', async () => {
      const detail = await api.generations.detail({ id: ids[0]! });
      return detail.tags.join(',') === 'castle,keep' ? true : undefined;
    });
    await eventually('two chips', async () => ((await chips.count()) === 2 ? true : undefined));
    expect(await tile(page, ids[0]!).locator('.tag-chip').allTextContents()).toEqual(['castle', 'keep']);
    expect(app.pageErrors).toEqual([]);
  }, 60_000);

  it('zooms the lightbox (wheel, 100 %, Fit) and pans it, shows a filmstrip, and Esc closes only the top layer', async () => {
    const { page, api } = app;
    const ids = (await api.generations.page({ limit: 10 })).items.map((item) => item.id);
    await page.getByRole('complementary', { name: 'Generation details' }).getByRole('button', { name: 'Close details' }).click();
    await tile(page, ids[0]!).dblclick();
    const lightbox = page.getByRole('dialog', { name: 'Lightbox' });
    await lightbox.waitFor();
    // Opaque: nothing of the grid shows through.
    expect(await lightbox.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(8, 9, 10)');
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('.lightbox .zoom-stage img');
      return image !== null && image.complete && image.naturalWidth > 0;
    });

    // The filmstrip: every image of the generation, the shown one marked.
    const strip = lightbox.getByRole('list', { name: 'Filmstrip' }).getByRole('button');
    const count = (await api.generations.detail({ id: ids[0]! })).images.length;
    expect(await strip.count()).toBe(count);
    await strip.nth(1).click();
    expect(await strip.nth(1).getAttribute('aria-current')).toBe('true');
    await lightbox.getByTestId('lightbox-image-position').getByText(`image 2 of ${count}`).waitFor();

    const stage = lightbox.getByTestId('zoom-stage');
    const level = lightbox.getByTestId('zoom-level');
    expect(await level.textContent()).toBe('Fitted');
    const box = (await stage.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => Number(await stage.getAttribute('data-scale'))).toBeGreaterThan(1.5);
    expect(await level.textContent()).toMatch(/^\d+ %$/);
    // Dragging pans the zoomed image.
    const content = lightbox.locator('.zoom-content');
    const before = await content.evaluate((element) => element.style.transform);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 40, { steps: 4 });
    await page.mouse.up();
    expect(await content.evaluate((element) => element.style.transform)).not.toBe(before);
    await saveBothSizes(page, 'lightbox-zoomed');

    await lightbox.getByRole('button', { name: '100 %' }).click();
    await expect.poll(() => level.textContent()).toBe('100 %');
    await lightbox.getByRole('button', { name: 'Fit' }).click();
    await expect.poll(() => level.textContent()).toBe('Fitted');
    await expectAccessible(page, 'the lightbox with its filmstrip');

    // C opens the compare view over the lightbox: its slider's stage has the output's shape, and
    // the control image (square) covers exactly that stage.
    await page.keyboard.press('c');
    const compare = page.getByRole('dialog', { name: 'Compare' });
    await compare.waitFor();
    const compareStage = compare.getByTestId('compare-stage');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.compare-stage img')].every((image) => image.complete && image.naturalWidth > 0));
    const stageBox = (await compareStage.boundingBox())!;
    expect(stageBox.width / stageBox.height).toBeCloseTo(512 / 768, 2);
    const controlBox = (await compareStage.locator('.compare-overlay img').boundingBox())!;
    expect(controlBox).toEqual(stageBox);
    await saveBothSizes(page, 'compare');
    await expectAccessible(page, 'the compare dialog');

    // Esc closes the compare view only; the next Esc the lightbox.
    await page.keyboard.press('Escape');
    await compare.waitFor({ state: 'detached' });
    expect(await lightbox.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });
    expect(app.pageErrors).toEqual([]);
  }, 60_000);

  it('lists the trash by batch (generations, single images) with pictures and restores a batch', async () => {
    const { page, api } = app;
    const ids = (await api.generations.page({ limit: 10 })).items.map((item) => item.id);
    // A whole generation from the selection bar, then a single image from the detail panel.
    await tile(page, ids[2]!).click();
    const toolbar = page.getByRole('toolbar', { name: 'Selection actions' });
    await toolbar.getByText('1 selected').waitFor();
    await toolbar.getByRole('button', { name: 'Move to trash' }).click();
    await tile(page, ids[2]!).waitFor({ state: 'detached' });
    await tile(page, ids[1]!).click();
    const panel = page.getByRole('complementary', { name: 'Generation details' });
    await panel.getByRole('button', { name: 'Move output 2 to the trash' }).click();
    await eventually('two trash batches', async () => ((await api.trash.list()).batches.length === 2 ? true : undefined));

    await navigate(page, 'Trash');
    const batches = page.getByRole('list', { name: 'Trash batches' }).getByTestId('trash-batch');
    await eventually('two batches on screen', async () => ((await batches.count()) === 2 ? true : undefined));
    expect(await batches.nth(0).textContent()).toContain('1 image');
    expect(await batches.nth(1).textContent()).toContain('1 generation');
    // Their pictures load from the trash folder.
    await page.waitForFunction(() => {
      const pictures = [...document.querySelectorAll<HTMLImageElement>('.trash-preview')];
      return pictures.length >= 2 && pictures.every((image) => image.complete && image.naturalWidth > 0 && image.src.includes('/trash/'));
    }, undefined, { timeout: 15_000 });
    expect(await page.getByLabel('Empty batches older than').inputValue()).toBe('30');
    await saveBothSizes(page, 'trash');
    await expectAccessible(page, 'the trash');

    await batches.nth(1).getByRole('button', { name: /^Restore 1 generation/ }).click();
    await page.getByTestId('toast').filter({ hasText: 'Restored 1 generation.' }).waitFor();
    await eventually('one batch left', async () => ((await batches.count()) === 1 ? true : undefined));
    expect((await api.generations.page({ limit: 10 })).items.map((item) => item.id)).toContain(ids[2]);
    await navigate(page, 'Gallery');
    await tile(page, ids[2]!).waitFor();
    expect(app.pageErrors).toEqual([]);
  }, 60_000);

  it('finds by a facet and its chip, stacks a reproduction under its generation, and saves Settings by each section\'s Save', async () => {
    const { page, api } = app;
    await navigate(page, 'Gallery');
    const tagged = (await api.generations.page({ limit: 10, filters: { tag: 'castle' } })).items[0]!.id;
    const { generationId: reproduction } = await api.generations.reproduce({ id: tagged });
    await finished(reproduction);
    await tile(page, reproduction).waitFor();

    // A facet value narrows the grid and becomes a chip; the chip's × lifts it.
    const facets = page.getByRole('complementary', { name: 'Filters' });
    await facets.getByRole('region', { name: 'Tag' }).getByRole('button', { name: /^castle/ }).click();
    const chips = page.getByRole('list', { name: 'Active filters' });
    await chips.getByText('Tag: castle').waitFor();
    await eventually('one result', async () => ((await page.getByRole('status', { name: 'Result count' }).textContent()) === '1 result' ? true : undefined));
    await tile(page, reproduction).waitFor({ state: 'detached' });
    await saveBothSizes(page, 'gallery-filtered');
    await expectAccessible(page, 'the gallery with a filter');
    await chips.getByRole('button', { name: 'Remove filter Tag: castle' }).click();
    await chips.getByText('Showing the whole library').waitFor();
    await tile(page, reproduction).waitFor();

    // Stacked: the reproduction leaves the grid for its generation's stack, which opens the lineage.
    await page.getByRole('checkbox', { name: 'Stack versions' }).check();
    await tile(page, reproduction).waitFor({ state: 'detached' });
    const stack = tile(page, tagged).getByRole('button', { name: /^Show the 1 version of / });
    await stack.waitFor();
    await saveBothSizes(page, 'gallery-stacked');
    await expectAccessible(page, 'the stacked gallery');
    await stack.click();
    await page.getByRole('complementary', { name: 'Generation details' }).getByRole('region', { name: 'Related generations' }).getByRole('button', { name: /^Exact reproduction: / }).waitFor();
    await page.getByRole('checkbox', { name: 'Stack versions' }).uncheck();
    await tile(page, reproduction).waitFor();

    // Settings: a draft until Save; the engine's refusal under the field it concerns, outlined.
    await navigate(page, 'Settings');
    const general = page.getByRole('form', { name: 'Library and spending' });
    const location = general.getByLabel('Library location');
    await location.fill('/somewhere/else');
    await general.getByText('Unsaved changes').waitFor();
    await general.getByRole('button', { name: 'Save' }).click();
    await general.getByTestId('field-error-library-location').waitFor();
    expect(await location.getAttribute('aria-invalid')).toBe('true');
    expect(await general.getByTestId('field-error-library-location').textContent()).toMatch(/^The library stays in /);
    await saveBothSizes(page, 'settings-refused');
    await expectAccessible(page, 'Settings with a refused change');
    await general.getByRole('button', { name: 'Discard' }).click();
    expect(await location.getAttribute('aria-invalid')).toBe('false');
    expect(app.pageErrors).toEqual([]);
  }, 90_000);
});
