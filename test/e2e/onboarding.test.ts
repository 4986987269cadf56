/**
 * A first run in a real Chromium: the welcome dialog, then the empty library's three-step
 * checklist (a preset, a folder, a first image), each step's button leading where it is done,
 * until the first image's result replaces the list. Every screen on the way is checked with axe
 * and saved at 1440×900 and 1024×700.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expectAccessible } from './accessibility';
import { launchChromium } from './chromium';
import { CONTROL_IMAGES, eventually, openApp, saveScreen, type AppUnderTest } from './harness';

const SETUP_TIMEOUT_MS = 180_000;

async function saveBothSizes(page: Page, name: string) {
  await saveScreen(page, `${name}-1440x900`);
  await page.setViewportSize({ width: 1024, height: 700 });
  await saveScreen(page, `${name}-1024x700`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe('onboarding checklist (Chromium)', () => {
  let browser: Browser;
  let app: AppUnderTest;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await openApp(browser, { skipFirstRun: false, latencyMs: 1500 });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.close();
    await browser?.close();
  });

  const steps = () => app.page.getByRole('region', { name: 'Get your first result in three steps' }).getByTestId('onboarding-step');
  const doneFlags = async () => steps().evaluateAll((elements) => elements.map((element) => element.getAttribute('data-done')));

  it('welcomes, then leads from an empty library to a first result in three steps', async () => {
    const { page, api, dropFolder } = app;
    const welcome = page.getByRole('dialog', { name: 'Welcome to Scenario Hot Folder' });
    await welcome.waitFor();
    // The dialog holds the focus: Tab from its last button comes back to its first.
    await welcome.getByRole('button', { name: 'Enter my API key' }).focus();
    await page.keyboard.press('Tab');
    expect(await welcome.evaluate((element) => element.contains(document.activeElement))).toBe(true);
    await saveBothSizes(page, 'first-run');
    await expectAccessible(page, 'the welcome dialog');
    await welcome.getByRole('button', { name: 'Try with the simulator' }).click();
    await welcome.waitFor({ state: 'detached' });

    await eventually('three steps, none done', async () => ((await doneFlags()).join() === 'false,false,false' ? true : undefined));
    await saveBothSizes(page, 'onboarding');
    await expectAccessible(page, 'the empty gallery with its checklist');

    // Step 1's button opens a new preset's form.
    await steps().nth(0).getByRole('button', { name: 'New preset' }).click();
    await page.getByRole('form', { name: /preset/i }).first().waitFor();
    await saveBothSizes(page, 'presets-new');
    await expectAccessible(page, 'the preset editor');
    const preset = await api.presets.create({ preset: { name: 'First steps', modelId: 'model_sd15-realistic', prompt: 'a clay figure', modality: 'canny', width: 512, height: 512 } });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Gallery' }).click();
    await eventually('the preset step done', async () => ((await doneFlags()).join() === 'true,false,false' ? true : undefined));

    // Step 2's button opens the folder form in Settings.
    await steps().nth(1).getByRole('button', { name: 'Add a folder' }).click();
    const addForm = page.getByRole('form', { name: 'Add a watched folder' });
    await addForm.getByLabel('Folder path').fill(dropFolder);
    await addForm.getByRole('checkbox', { name: preset.preset.name }).check();
    await addForm.getByRole('button', { name: 'Add folder' }).click();
    await page.getByTestId('folder-row').filter({ hasText: dropFolder }).getByText('Watching').waitFor();
    await saveBothSizes(page, 'settings');
    await expectAccessible(page, 'the settings');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Gallery' }).click();
    await eventually('the folder step done', async () => ((await doneFlags()).join() === 'true,true,false' ? true : undefined));
    expect(await steps().nth(2).textContent()).toContain(dropFolder);

    // Step 3: the first image dropped there becomes the first tile, and the checklist goes.
    copyFileSync(path.join(CONTROL_IMAGES, 'canny-house-768x512.png'), path.join(dropFolder, 'first.png'));
    await page.getByTestId('gallery-tile').first().waitFor({ timeout: 20_000 });
    await page.getByRole('region', { name: 'Get your first result in three steps' }).waitFor({ state: 'detached' });
    await page.locator('[data-testid="gallery-tile"][data-state="done"]').waitFor({ timeout: 30_000 });
    await saveBothSizes(page, 'first-result');
    expect(app.pageErrors).toEqual([]);
  }, 120_000);
});
