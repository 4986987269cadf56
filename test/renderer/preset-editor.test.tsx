// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useState } from 'react';
import { FAMILY_RULES, type ModelFamily } from '../../src/shared/preset';
import { ModalityBuilder } from '../../src/renderer/presets/ModalityBuilder';
import { ModelPicker } from '../../src/renderer/presets/ModelPicker';
import { PresetForm } from '../../src/renderer/presets/PresetForm';
import { APP_INFO, createFakeEngine } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

const optionsOf = (select: HTMLElement) => [...(select as HTMLSelectElement).options].filter((option) => !option.disabled).map((option) => option.value);

function Builder({ family, initial }: { family: ModelFamily; initial: string }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <ModalityBuilder family={family} value={value} onChange={setValue} />
      <output data-testid="modality-value">{value}</output>
    </>
  );
}

describe('modality builder', () => {
  it('offers Flux only its own single modality, with no presets', () => {
    render(<Builder family="flux-dev" initial="depth" />);
    expect(optionsOf(screen.getByLabelText('Modality 1')).sort()).toEqual([...FAMILY_RULES['flux-dev'].modalities].sort());
    expect(screen.queryByRole('radiogroup', { name: 'Modality kind' })).toBeNull();
    expect((screen.getByRole('button', { name: 'Add modality' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('offers SDXL up to three of its modalities with weights, or one of its presets', () => {
    render(<Builder family="sd-xl" initial="pose" />);
    const first = screen.getByLabelText('Modality 1');
    expect(optionsOf(first).sort()).toEqual([...FAMILY_RULES['sd-xl'].modalities].sort());
    expect(optionsOf(first)).not.toContain('lineart');

    fireEvent.click(screen.getByRole('button', { name: 'Add modality' }));
    fireEvent.change(screen.getByLabelText('Weight 2'), { target: { value: '0.5' } });
    expect(screen.getByTestId('modality-value').textContent).toBe('pose,canny:0.5');
    // A name already used is not offered again.
    expect(optionsOf(screen.getByLabelText('Modality 2'))).not.toContain('pose');
    fireEvent.click(screen.getByRole('button', { name: 'Add modality' }));
    expect((screen.getByRole('button', { name: 'Add modality' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(within(screen.getByRole('radiogroup', { name: 'Modality kind' })).getByLabelText('A family preset'));
    expect(optionsOf(screen.getByLabelText('Family preset'))).toEqual(['character', 'landscape']);
    expect(screen.getByTestId('modality-value').textContent).toBe('character');
  });
});

describe('preset form', () => {
  function setup() {
    const engine = createFakeEngine({
      'models.list': async () => ({
        models: [{ id: 'model_sdxl', name: 'Armour XL', family: 'sd-xl', type: 'sd-xl-lora', thumbnailRelPath: null }],
        fetchedAt: null,
        fromCache: false,
      }),
      'presets.dryRunCost': async ({ preset }) => ({ creativeUnitsCost: Number(preset.numSamples ?? 4) * 2, creativeUnitsDiscount: null }),
    });
    const saved: unknown[] = [];
    const rendered = renderWithEngine(
      engine,
      <PresetForm
        initial={{ name: 'Hero poses', modelId: 'model_sdxl', prompt: 'a knight', modality: 'pose' }}
        detail={null}
        fallbackFamily={null}
        onSave={async (preset) => void saved.push(preset)}
      />,
    );
    return { engine, saved, ...rendered };
  }

  it('shows each field-level message under its field as the artist types', async () => {
    const { stores } = setup();
    await act(() => stores.presets.getState().loadModels());

    fireEvent.change(screen.getByLabelText('Width'), { target: { value: '4000' } });
    expect(screen.getByTestId('field-error-width').textContent).toMatch(/SDXL allows widths from 512 to 2048/);
    expect(screen.getByLabelText('Width').getAttribute('aria-describedby')).toBe('preset-error-width');

    fireEvent.change(screen.getByLabelText('Height'), { target: { value: '1001' } });
    expect(screen.getByTestId('field-error-height').textContent).toMatch(/multiple of 8/);

    fireEvent.change(screen.getByLabelText('Guidance'), { target: { value: '25' } });
    expect(screen.getByTestId('field-error-guidance').textContent).toMatch(/SDXL allows guidance from 0 to 20/);

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: '' } });
    expect(screen.getByTestId('field-error-name')).toBeTruthy();
    // Untouched, valid fields say nothing.
    expect(screen.queryByTestId('field-error-prompt')).toBeNull();

    fireEvent.change(screen.getByLabelText('Width'), { target: { value: '1024' } });
    expect(screen.queryByTestId('field-error-width')).toBeNull();
  });

  it('refuses to save an invalid preset, saves a valid one, and prices it per run', async () => {
    const { stores, saved } = setup();
    await act(() => stores.presets.getState().loadModels());

    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create preset' }));
    expect(screen.getByTestId('field-error-prompt')).toBeTruthy();
    expect(saved).toEqual([]);

    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'a knight, ink' } });
    fireEvent.change(screen.getByLabelText('Images per run'), { target: { value: '3' } });
    await waitFor(() => expect(screen.getByRole('status', { name: 'Cost per run' }).textContent).toMatch(/6 CU per run/));
    fireEvent.click(screen.getByRole('button', { name: 'Create preset' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({ name: 'Hero poses', prompt: 'a knight, ink', numSamples: 3, modality: 'pose' });
  });
});

describe('Scenario\'s own detection on a ControlNet preset', () => {
  it('is offered as "Detect the <modality> in the image" and saved as disableModalityDetection false', async () => {
    const engine = createFakeEngine({
      'models.list': async () => ({ models: [{ id: 'model_sdxl', name: 'Armour XL', family: 'sd-xl', type: 'sd-xl', thumbnailRelPath: null }], fetchedAt: null, fromCache: false }),
      'presets.dryRunCost': async () => ({ creativeUnitsCost: 2, creativeUnitsDiscount: null }),
    });
    const saved: unknown[] = [];
    const { stores } = renderWithEngine(
      engine,
      <PresetForm initial={{ name: 'Photos', modelId: 'model_sdxl', prompt: 'a knight', modality: 'depth:0.5,pose' }} detail={null} fallbackFamily={null} onSave={async (preset) => void saved.push(preset)} />,
    );
    await act(() => stores.presets.getState().loadModels());
    const detect = screen.getByLabelText('Detect the depth and pose in the image') as HTMLInputElement;
    expect(detect.checked).toBe(false);
    fireEvent.click(detect);
    fireEvent.click(screen.getByRole('button', { name: 'Create preset' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({ disableModalityDetection: false });
  });
});

describe('model picker', () => {
  it('shows each model\'s thumbnail from the library, and family initials where there is none or it fails to load', async () => {
    const engine = createFakeEngine({
      'models.list': async () => ({
        models: [
          { id: 'model_flux', name: 'Ink', family: 'flux-dev', type: 'flux.1-lora', thumbnailRelPath: null },
          { id: 'model_sd15', name: 'Clay', family: 'sd-1_5', type: 'sd-1_5', thumbnailRelPath: 'thumbs/models/model-sd15-0123456789abcdef.webp' },
          { id: 'model_sdxl', name: 'Props', family: 'sd-xl', type: 'sd-xl', thumbnailRelPath: 'thumbs/models/gone.webp' },
        ],
        fetchedAt: '2025-06-01T10:00:00.000Z',
        fromCache: true,
      }),
    });
    const { stores } = renderWithEngine(engine, <ModelPicker value="" onChange={() => undefined} />);
    await act(() => stores.presets.getState().loadModels());
    const [ink, clay, props] = screen.getAllByTestId('model-card') as HTMLElement[];
    // Before app.info says where the library is, initials hold every card's place.
    expect(within(clay as HTMLElement).getByTestId('model-thumb-placeholder').textContent).toBe('SD');

    await act(() => stores.app.getState().load());
    expect(ink?.querySelector('img')).toBeNull();
    expect(within(ink as HTMLElement).getByTestId('model-thumb-placeholder').textContent).toBe('FD');
    expect(clay?.querySelector('img')?.getAttribute('src')).toBe(`${APP_INFO.libraryUrlBase}thumbs/models/model-sd15-0123456789abcdef.webp`);
    fireEvent.error(props?.querySelector('img') as HTMLImageElement);
    expect(props?.querySelector('img')).toBeNull();
    expect(within(props as HTMLElement).getByTestId('model-thumb-placeholder').textContent).toBe('SDXL');
    // A cached list read without asking for a refresh is not an offline copy.
    expect(screen.queryByText(/could not be reached/)).toBeNull();
  });
});
