/**
 * One history for a team, from the window (Chromium against the simulator): a generation another
 * member made comes in with `sync`, shows where it was made and by whom, and "Reproduce exactly"
 * sends the very request that member sent; Scenario (the deterministic simulator) answers with the
 * same pixels.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { GenerationDetail } from '../../src/shared/ipc/contract';
import { launchChromium } from './chromium';
import { eventually, openApp, saveScreen, type AppUnderTest } from './harness';

const SETUP_TIMEOUT_MS = 180_000;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe("a team member's generation in the window (Chromium)", () => {
  let browser: Browser;
  let app: AppUnderTest;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await openApp(browser, { latencyMs: 300 });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.close();
    await browser?.close();
  });

  /** The pixels of a generation's images, from its library files (which add their own metadata chunk). */
  async function pixelsOf(detail: GenerationDetail): Promise<string[]> {
    return Promise.all(detail.images.map(async (image) => sha256(await sharp(await readFile(path.join(app.host.engine.libraryRoot, image.relPath))).raw().toBuffer())));
  }

  it('shows its origin and author, and reproduces it exactly', async () => {
    const { page, api } = app;
    const simulator = app.host.engine.simulator;
    if (!simulator) throw new Error('The web host runs no simulator.');
    const made = await simulator.seedTeamHistory({ jobs: 1, samplesPerJob: 1, webAppEvery: 0 });
    const report = await api.sync.run({ waitMs: 0 });
    expect(report.imported).toBe(1);

    const imported = await eventually('the imported generation', async () => (await api.generations.page({ limit: 10 })).items.find((item) => item.origin !== null));
    const tile = page.locator(`[data-testid="gallery-tile"][data-generation-id="${imported.id}"]`);
    await tile.waitFor({ timeout: 15_000 });
    await tile.click();
    const panel = page.getByRole('complementary', { name: 'Generation details' });
    const badge = panel.getByTestId('origin-badge');
    await badge.waitFor();
    const original = await api.generations.detail({ id: imported.id });
    expect(original.jobId).toBe(made.jobIds[0]);
    expect(original.author).not.toBeNull();
    expect(await badge.textContent()).toBe(`Another machine · ${original.author}`);
    await saveScreen(page, 'detail-imported');

    await panel.getByRole('button', { name: 'Reproduce exactly' }).click();
    await page.getByTestId('toast').filter({ hasText: 'Queued an exact reproduction.' }).waitFor();
    const child = await eventually('the reproduction', async () => (await api.generations.detail({ id: imported.id })).children.find((related) => related.kind === 'reproduction'));
    const reproduction = await eventually('the reproduction to finish', async () => {
      const detail = await api.generations.detail({ id: child.id });
      if (detail.state === 'failed' || detail.state === 'canceled') throw new Error(`The reproduction ended ${detail.state}: ${detail.error?.userMessage ?? ''}`);
      return detail.state === 'done' ? detail : undefined;
    }, 30_000);

    // The request the member sent, as it was, and its seed: Scenario gives the same pixels back.
    expect(reproduction.request).toEqual(original.request);
    expect(reproduction.seed).toBe(original.seed);
    // The import brought thumbnails first; the full image comes on demand, as the lightbox asks.
    for (const image of original.images) await api.images.fetchFull({ imageId: image.id });
    const fetched = await api.generations.detail({ id: imported.id });
    expect(await pixelsOf(reproduction)).toEqual(await pixelsOf(fetched));
    expect(app.pageErrors).toEqual([]);
  }, 90_000);
});
