/**
 * First run and the preset editor in a real Chromium: the welcome dialog, then a preset typed
 * with a wrong width is refused field by field, and saved once fixed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { openApp, saveScreen, type AppUnderTest } from './harness';

const SETUP_TIMEOUT_MS = 180_000;

describe('preset editor (Chromium)', () => {
  let browser: Browser;
  let app: AppUnderTest;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await openApp(browser, { skipFirstRun: false });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.close();
    await browser?.close();
  });

  it('welcomes a new user and lets them try the simulator', async () => {
    const { page } = app;
    const welcome = page.getByRole('dialog', { name: 'Welcome to Scenario Hot Folder' });
    await welcome.waitFor();
    await expect(page.getByTestId('simulator-mode').textContent()).resolves.toContain('Simulator');
    await saveScreen(page, 'first-run');

    await welcome.getByRole('button', { name: 'Try with the simulator' }).click();
    await welcome.waitFor({ state: 'detached' });
  }, 30_000);

  it('shows field errors for a bad width, refuses to save, and saves once fixed', async () => {
    const { page, api } = app;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Presets' }).click();
    await page.getByRole('button', { name: 'New preset' }).click();
    const form = page.getByRole('form', { name: 'Preset' });

    await form.getByLabel('Name', { exact: true }).fill('Clay houses');
    // Picking the card (the simulator's model list) also tells the form the model's family.
    await form.getByRole('radio', { name: /Realistic \(SD 1\.5\)/ }).click();
    await form.getByLabel('Prompt', { exact: true }).fill('a clay house on a hill, soft light');
    await form.getByRole('button', { name: 'Add modality' }).click();
    await expect(form.getByLabel('Modality 1').inputValue()).resolves.toBe('canny');

    await form.getByLabel('Width', { exact: true }).fill('1001');
    const widthError = page.getByTestId('field-error-width');
    await widthError.waitFor();
    expect(await widthError.textContent()).toMatch(/\S/);
    await expect(form.getByLabel('Width', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');

    await form.getByRole('button', { name: 'Create preset' }).click();
    await form.getByRole('alert').filter({ hasText: 'Fix 1 field to save.' }).waitFor();
    expect(await api.presets.list()).toEqual([]);
    await saveScreen(page, 'preset-editor-errors');

    await form.getByLabel('Width', { exact: true }).fill('512');
    await widthError.waitFor({ state: 'detached' });
    await page.getByRole('status', { name: 'Cost per run' }).filter({ hasText: 'per run' }).waitFor();
    await form.getByRole('button', { name: 'Create preset' }).click();

    await page.getByRole('listbox', { name: 'Presets' }).getByRole('option', { name: /Clay houses/ }).waitFor();
    const [saved] = await api.presets.list();
    expect(saved).toMatchObject({ name: 'Clay houses', modelId: 'model_sd15-realistic', modality: 'canny', version: 1 });
    const detail = await api.presets.get({ id: saved!.id });
    expect(detail.preset).toMatchObject({ width: 512, prompt: 'a clay house on a hill, soft light' });
    await saveScreen(page, 'preset-editor');
    expect(app.pageErrors).toEqual([]);
  }, 60_000);
});
