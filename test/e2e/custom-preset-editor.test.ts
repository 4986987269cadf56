/**
 * The preset editor for models that describe their own inputs, in a real Chromium against the
 * simulator: the form is made from the model's inputs (labels, help, groups, selects, sliders,
 * the input that receives the dropped file), it validates with the same messages as the engine,
 * the cost follows the inputs that change it, and the preset saves as a custom-model preset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { openApp, saveScreen, type AppUnderTest } from './harness';

const SETUP_TIMEOUT_MS = 180_000;

describe('custom-model preset editor (Chromium)', () => {
  let browser: Browser;
  let app: AppUnderTest;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await openApp(browser);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.close();
    await browser?.close();
  });

  it('renders the Flux dev model form from its inputs, validates it, prices it by its costImpact inputs and saves it', async () => {
    const { page, api } = app;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Presets' }).click();
    await page.getByRole('button', { name: 'New preset' }).click();
    const form = page.getByRole('form', { name: 'Preset' });
    await form.getByLabel('Name', { exact: true }).fill('Unified knights');
    await form.getByRole('radio', { name: /Flux\.1 dev \(unified\)/ }).click();

    // Made from the model's inputs: groups, a select, a slider, the file input marked.
    const control = form.getByRole('group', { name: 'Control' });
    await control.waitFor();
    await expect(control.getByTestId('receives-file-controlImage').textContent()).resolves.toBe('Receives the dropped file');
    await expect(control.getByLabel('Control modality', { exact: true }).locator('option').allTextContents()).resolves.toEqual(['Not set', 'canny', 'tile', 'depth', 'blur', 'pose', 'gray', 'low-quality']);
    await control.getByRole('slider', { name: 'Control strength slider' }).waitFor();
    await control.getByText('0.3-0.8 follows the map loosely; above 0.9 it is rigid. Default: 0.7').waitFor();
    await form.getByRole('group', { name: 'Size' }).waitFor();

    await form.getByLabel('Prompt', { exact: true }).fill('a knight in armour');
    await form.getByLabel('Width', { exact: true }).fill('1001');
    const widthError = page.getByTestId('field-error-width');
    await widthError.waitFor();
    expect(await widthError.textContent()).toBe('Width 1001 must be a multiple of 8: use 1000 or 1008.');
    await form.getByRole('button', { name: 'Create preset' }).click();
    await form.getByRole('alert').filter({ hasText: /Fix 2 fields to save/ }).waitFor();
    await expect(page.getByTestId('field-error-controlModality').textContent()).resolves.toMatch(/^Control modality is required when Control image is set/);
    await saveScreen(page, 'custom-preset-errors');

    await form.getByLabel('Width', { exact: true }).fill('512');
    await control.getByLabel('Control modality', { exact: true }).selectOption('pose');
    await widthError.waitFor({ state: 'detached' });
    const cost = page.getByRole('status', { name: 'Cost per run' });
    await cost.filter({ hasText: '1 CU per run' }).waitFor();
    // An input without costImpact does not ask again; the number of images does.
    await form.getByLabel('Guidance', { exact: true }).fill('6');
    await form.getByLabel('Number of images', { exact: true }).fill('4');
    await cost.filter({ hasText: '4 CU per run' }).waitFor();
    await form.getByRole('button', { name: 'Create preset' }).click();

    await page.getByRole('listbox', { name: 'Presets' }).getByRole('option', { name: /Unified knights/ }).waitFor();
    const [saved] = await api.presets.list();
    expect(saved).toMatchObject({ name: 'Unified knights', modelId: 'model_bfl-flux-1-dev', family: null, custom: true, modality: 'pose' });
    const detail = await api.presets.get({ id: saved!.id });
    expect(detail.preset).toMatchObject({ prompt: 'a knight in armour', width: 512, controlModality: 'pose', guidance: 6, numOutputs: 4 });
    expect(typeof (detail.preset as Record<string, unknown>).inputsVersion).toBe('string');
    await saveScreen(page, 'custom-preset-editor');
    expect(app.pageErrors).toEqual([]);
  }, 90_000);

  it('renders the other two models: a list input that receives the file, and a requirement that follows another input', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'New preset' }).click();
    const form = page.getByRole('form', { name: 'Preset' });
    await form.getByRole('radio', { name: /Reference painter/ }).click();
    await form.getByTestId('receives-file-referenceImages').waitFor();
    await form.getByLabel('Style', { exact: true }).waitFor();

    await form.getByRole('radio', { name: /Texture forge/ }).click();
    await form.getByTestId('receives-file-image').waitFor();
    await form.getByLabel('Mode', { exact: true }).selectOption('tile');
    await form.getByRole('button', { name: 'Create preset' }).click();
    await expect(page.getByTestId('field-error-tileCount').textContent()).resolves.toBe("Tile count is required when Mode is 'tile': fill it in.");
    await form.getByRole('group', { name: 'Mask' }).getByRole('button', { name: 'Send the dropped file here instead' }).click();
    await form.getByTestId('receives-file-mask').waitFor();
    expect(app.pageErrors).toEqual([]);
  }, 90_000);
});
