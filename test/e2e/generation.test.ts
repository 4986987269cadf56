/**
 * The hot-folder flow in a real Chromium, one app for the whole file (each step builds on the
 * last): bind a folder in Settings, drop a control image, watch the queue, see the result in the
 * gallery; reproduce and vary from the detail panel; go offline and come back.
 */
import { createHash } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { GenerationDetail } from '../../src/shared/ipc/contract';
import { launchChromium } from './chromium';
import { CONTROL_IMAGES, eventually, openApp, saveScreen, type AppUnderTest } from './harness';

const SETUP_TIMEOUT_MS = 180_000;
/** Long enough to watch a job's progress in the queue, short enough for a quick file. */
const JOB_LATENCY_MS = 2500;
const PRESET_NAME = 'Houses in clay';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function navigate(page: Page, screen: 'Gallery' | 'Presets' | 'Queue' | 'Settings') {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: screen }).click();
}

describe('hot folder → queue → gallery → detail (Chromium)', () => {
  let browser: Browser;
  let app: AppUnderTest;
  let firstId: string;

  /** The library's image files of a finished generation: the whole file's hash and its decoded pixels' hash. */
  async function imageHashes(detail: GenerationDetail) {
    return Promise.all(
      detail.images.map(async (image) => {
        const bytes = await readFile(path.join(app.host.engine.libraryRoot, image.relPath));
        const pixels = await sharp(bytes).raw().toBuffer();
        return { file: sha256(bytes), pixels: sha256(pixels) };
      }),
    );
  }

  const finished = (id: string, timeoutMs = 30_000) =>
    eventually(`generation ${id} to finish`, async () => {
      const detail = await app.api.generations.detail({ id });
      if (detail.state === 'failed' || detail.state === 'canceled') throw new Error(`Generation ${id} ended ${detail.state}: ${detail.error?.userMessage ?? ''}`);
      return detail.state === 'done' ? detail : undefined;
    }, timeoutMs);

  beforeAll(async () => {
    browser = await launchChromium();
    app = await openApp(browser, { latencyMs: JOB_LATENCY_MS });
    await app.api.presets.create({ preset: { name: PRESET_NAME, modelId: 'model_sd15-realistic', prompt: 'a small clay house, studio light', modality: 'canny', width: 512, height: 512 } });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.close();
    await browser?.close();
  });

  it('binds a folder in Settings, shows the job in the queue and the result in the gallery', async () => {
    const { page, api, dropFolder } = app;
    await navigate(page, 'Settings');
    const addForm = page.getByRole('form', { name: 'Add a watched folder' });
    await addForm.getByLabel('Folder path').fill(dropFolder);
    await addForm.getByRole('checkbox', { name: PRESET_NAME }).check();
    await addForm.getByRole('button', { name: 'Add folder' }).click();
    const folderRow = page.getByTestId('folder-row').filter({ hasText: dropFolder });
    await folderRow.getByText('Watching').waitFor();
    await saveScreen(page, 'settings');
    expect((await api.folders.list()).map((folder) => folder.path)).toEqual([dropFolder]);

    await navigate(page, 'Queue');
    copyFileSync(path.join(CONTROL_IMAGES, 'canny-house-768x512.png'), path.join(dropFolder, 'canny-house.png'));
    const row = page.getByTestId('queue-row').filter({ hasText: 'canny-house.png' });
    await row.waitFor({ timeout: 15_000 });
    // Scenario reports rising progress while the job runs: the row shows it.
    const progress = row.getByRole('progressbar', { name: 'Progress' });
    await progress.waitFor({ timeout: 15_000 });
    firstId = (await row.getAttribute('data-generation-id')) ?? '';
    await eventually('the progress bar to rise above 0 %', async () => {
      const percent = Number(await progress.getAttribute('aria-valuenow', { timeout: 2000 }));
      return percent > 0 ? percent : undefined;
    }, 15_000);
    await saveScreen(page, 'queue');

    const done = await finished(firstId);
    expect(done.images.length).toBeGreaterThan(0);
    await eventually('the queue row to leave or show done', async () => {
      // One read of the page: a row counted and then asked for its state could leave in between,
      // and the locator would then wait its full 30 s for a row that is gone.
      const states = await row.evaluateAll((rows) => rows.map((element) => element.querySelector('[data-testid="queue-state"]')?.textContent ?? ''));
      const state = states.length === 0 ? 'gone' : states[0];
      return state === 'gone' || /done/i.test(state ?? '') ? true : undefined;
    });

    await navigate(page, 'Gallery');
    const tile = page.locator(`[data-testid="gallery-tile"][data-generation-id="${firstId}"]`);
    await tile.waitFor();
    // The thumbnail itself must load from the library (not the missing-file placeholder).
    await page.waitForFunction((id) => {
      const image = document.querySelector<HTMLImageElement>(`[data-generation-id="${id}"] img`);
      return image !== null && image.complete && image.naturalWidth > 0;
    }, firstId, { timeout: 15_000 });
    await saveScreen(page, 'gallery');
  }, 90_000);

  it('reproduces exactly (same request bytes, same delivered images) and varies the seed (different images)', async () => {
    const { page, api } = app;
    const simulator = app.host.engine.simulator;
    if (!simulator) throw new Error('The web host runs no simulator: startWebHost({ simulator }) should give engine.simulator.');
    await page.locator(`[data-testid="gallery-tile"][data-generation-id="${firstId}"]`).click();
    const panel = page.getByRole('complementary', { name: 'Generation details' });
    await panel.getByRole('button', { name: 'Reproduce exactly' }).waitFor();
    await panel.getByRole('img', { name: 'Output 1' }).waitFor();
    await saveScreen(page, 'detail');

    const original = await api.generations.detail({ id: firstId });
    await panel.getByRole('button', { name: 'Reproduce exactly' }).click();
    await page.getByTestId('toast').filter({ hasText: 'Queued an exact reproduction.' }).waitFor();
    await panel.getByRole('button', { name: 'Vary seed' }).click();
    await page.getByTestId('toast').filter({ hasText: 'Queued a variation with a new seed.' }).waitFor();

    const children = await eventually('a reproduction and a variation', async () => {
      const { children: related } = await api.generations.detail({ id: firstId });
      const reproduction = related.find((child) => child.kind === 'reproduction');
      const variation = related.find((child) => child.kind === 'variation');
      return reproduction && variation ? { reproduction, variation } : undefined;
    });
    const [reproduction, variation] = await Promise.all([finished(children.reproduction.id), finished(children.variation.id)]);

    expect(reproduction.seed).toBe(original.seed);
    expect(variation.seed).not.toBe(original.seed);
    // The very same request, byte for byte: the control image is uploaded once per content hash.
    expect(reproduction.request).toEqual(original.request);
    expect(reproduction.input.sha256).toBe(original.input.sha256);
    const sent = new Map(simulator.generateLog.filter((entry) => entry.jobId !== null).map((entry) => [entry.jobId, entry]));
    expect(sent.get(reproduction.jobId)?.bodySha256).toBe(sent.get(original.jobId)?.bodySha256);
    expect(sent.get(variation.jobId)?.bodySha256).not.toBe(sent.get(original.jobId)?.bodySha256);

    // Scenario (the deterministic simulator) delivered byte-identical images for the reproduction,
    // different ones for the variation. The library files add a parameters chunk naming their own
    // generation and job, so there the pixels are compared.
    const delivered = (id: string) => app.host.engine.store.images.listForGeneration(Number(id)).map((image) => image.sha256);
    expect(delivered(reproduction.id)).toEqual(delivered(original.id));
    expect(delivered(variation.id)).not.toEqual(delivered(original.id));
    const [originalHashes, reproductionHashes, variationHashes] = await Promise.all([imageHashes(original), imageHashes(reproduction), imageHashes(variation)]);
    expect(reproductionHashes.map((hash) => hash.pixels)).toEqual(originalHashes.map((hash) => hash.pixels));
    expect(variationHashes.map((hash) => hash.pixels)).not.toEqual(originalHashes.map((hash) => hash.pixels));

    await panel.getByRole('region', { name: 'Related generations' }).getByText(/Exact reproduction/).waitFor();
  }, 90_000);

  it('tags a selection: the tile shows its tags as chips, from the engine after a reload too', async () => {
    const { page } = app;
    const tile = () => page.locator(`[data-testid="gallery-tile"][data-generation-id="${firstId}"]`);
    const chips = () => tile().locator('.tag-chip');
    await tile().click();
    const toolbar = page.getByRole('toolbar', { name: 'Selection actions' });
    for (const tag of ['portfolio', 'hero', 'keep']) {
      await toolbar.getByLabel('Tag').fill(tag);
      await toolbar.getByRole('button', { name: 'Add tag' }).click();
      await page.getByTestId('toast').filter({ hasText: `with “${tag}”` }).first().waitFor();
    }
    // Two chips in alphabetical order, the third counted; the tile's label names all three.
    await eventually('the tile to show its tags', async () => ((await chips().allTextContents()).join(' ') === 'hero keep +1' ? true : undefined));
    expect(await chips().last().getAttribute('title')).toBe('portfolio');
    expect(await tile().getByRole('img').getAttribute('alt')).toMatch(/tagged hero, keep, portfolio$/);

    // A fresh window reads them from the engine's page, not from what the store added.
    await page.reload();
    await tile().waitFor();
    expect(await chips().allTextContents()).toEqual(['hero', 'keep', '+1']);
    // The facet panel offers the new tags, each with its count.
    const tagFacet = page.getByRole('complementary', { name: 'Filters' }).getByRole('region', { name: 'Tag' }).getByRole('button');
    await eventually('the tag facet to list the new tags', async () => ((await tagFacet.allTextContents()).sort().join(' ') === 'hero1 keep1 portfolio1' ? true : undefined));
    await saveScreen(page, 'gallery-tags');
  }, 60_000);

  it('keeps browsing, filtering and search working offline, waits for the network, and finishes when it is back', async () => {
    const { page, api, dropFolder } = app;
    const simulator = app.host.engine.simulator!;
    await simulator.suspend();
    try {
      copyFileSync(path.join(CONTROL_IMAGES, 'depth-sphere-512.png'), path.join(dropFolder, 'depth-sphere.png'));

      await navigate(page, 'Queue');
      const row = page.getByTestId('queue-row').filter({ hasText: 'depth-sphere.png' });
      await row.waitFor({ timeout: 15_000 });
      const waiting = page.locator('[data-testid="queue-waiting"][data-reason="network"], [data-testid="waiting-reason"][data-reason="network"]').first();
      await waiting.waitFor({ timeout: 30_000 });
      expect(await waiting.textContent()).toMatch(/waiting for the network/i);
      await saveScreen(page, 'queue-offline');

      await navigate(page, 'Gallery');
      const tiles = page.getByTestId('gallery-tile');
      await eventually('the gallery to list the finished generations', async () => ((await tiles.count()) >= 3 ? true : undefined));

      await page.getByRole('searchbox', { name: 'Search history' }).fill('canny-house');
      await eventually('search results', async () => {
        const ids = await tiles.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-generation-id')));
        return ids.length >= 1 && ids.includes(firstId) && !ids.some((id) => id === null) ? true : undefined;
      });
      await page.getByRole('searchbox', { name: 'Search history' }).fill('no-such-file-anywhere');
      await page.locator('.gallery-empty').waitFor();
      await page.getByRole('searchbox', { name: 'Search history' }).fill('');

      const doneFacet = page.getByRole('complementary', { name: 'Filters' }).getByRole('region', { name: 'State' }).getByRole('button', { name: /^Done\b/ });
      await doneFacet.click();
      await eventually('the state filter to apply', async () => {
        const labels = await page.getByRole('status', { name: 'Result count' }).textContent();
        return labels === '3 results' ? true : undefined;
      });
      await doneFacet.click();

      await page.locator(`[data-testid="gallery-tile"][data-generation-id="${firstId}"]`).click();
      await page.getByRole('complementary', { name: 'Generation details' }).getByTestId('request-json').waitFor();
      expect((await api.generations.page({ limit: 10 })).items.length).toBeGreaterThanOrEqual(3);
    } finally {
      await simulator.resume();
    }

    const offlineId = await eventually('the offline drop to be recorded', async () => {
      const { items } = await api.generations.page({ limit: 20, search: 'depth-sphere' });
      return items[0]?.id;
    });
    await finished(offlineId, 60_000);
    await page.locator(`[data-testid="gallery-tile"][data-generation-id="${offlineId}"]`).waitFor({ timeout: 15_000 });
    await navigate(page, 'Queue');
    await page.locator('[data-testid="queue-waiting"]').waitFor({ state: 'detached', timeout: 15_000 });
    expect(app.pageErrors).toEqual([]);
  }, 120_000);

  it('tells of a file the watched folder did not take: a toast, a count on Queue, and the list under the queue', async () => {
    const { page, dropFolder } = app;
    await navigate(page, 'Gallery');
    // The same bytes as the first drop: the folder does not allow duplicates.
    copyFileSync(path.join(CONTROL_IMAGES, 'canny-house-768x512.png'), path.join(dropFolder, 'canny-house again.png'));
    const toast = page.getByTestId('toast').filter({ hasText: 'canny-house again.png' });
    await toast.waitFor({ timeout: 15_000 });
    expect(await toast.textContent()).toContain('does not allow duplicates');
    expect(await page.getByTestId('unseen-notices').textContent()).toBe('!1');
    await saveScreen(page, 'notice-toast');

    await toast.getByRole('button', { name: 'Show all' }).click();
    const notice = page.getByRole('region', { name: 'Files not taken and warnings' }).getByTestId('notice');
    await notice.filter({ hasText: 'canny-house again.png' }).waitFor();
    expect(await notice.getAttribute('data-reason')).toBe('duplicate');
    await page.getByTestId('unseen-notices').waitFor({ state: 'detached' });
    await saveScreen(page, 'queue-notices');
    expect(app.pageErrors).toEqual([]);
  }, 60_000);
});
