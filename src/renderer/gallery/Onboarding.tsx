import { useEffect, useState } from 'react';
import type { Folder, PresetSummary } from '../../shared/ipc/contract';
import { useApi, useAppStore, usePresets } from '../stores';

/**
 * The first run's three steps, shown over an empty library: a preset, a folder that runs it, a
 * first image dropped there. Each step says what to do and has the button that goes there; the
 * first image's tile (running, then done) replaces the list.
 */
export function Onboarding() {
  const api = useApi();
  const startNew = usePresets((state) => state.startNew);
  const show = useAppStore((state) => state.show);
  const [presets, setPresets] = useState<PresetSummary[]>([]);
  const [folders, setFolders] = useState<Folder[] | null>(null);
  // Read each time the empty gallery shows (coming back from the step's screen). The list is a
  // guide: a failed read leaves its step open rather than raising an error over an empty library.
  useEffect(() => {
    api.presets.list().then(setPresets, () => undefined);
    api.folders.list().then(setFolders, () => undefined);
  }, [api]);

  const hasPreset = presets.length > 0;
  const watched = folders?.find((folder) => folder.presetIds.length > 0) ?? null;
  const steps = [
    {
      title: 'Make a preset',
      done: hasPreset,
      text: hasPreset ? `“${presets[0]?.name ?? ''}” is ready.` : 'A preset is the model, prompt and modality each control image is generated with.',
      action: { label: 'New preset', run: () => { show('presets'); startNew(); } },
    },
    {
      title: 'Watch a folder',
      done: watched !== null,
      text: watched ? `Watching ${watched.path}.` : 'Choose the folder your 3D tool or sketch app saves control images into, and the presets it runs.',
      action: { label: 'Add a folder', run: () => show('settings') },
    },
    {
      title: 'Drop a first image',
      done: false,
      text: watched ? `Save a pose, depth, canny or sketch map into ${watched.path}: its result appears here.` : 'Save a pose, depth, canny or sketch map into the watched folder: its result appears here.',
      action: { label: 'Open Queue', run: () => show('queue') },
    },
  ];
  const current = steps.findIndex((step) => !step.done);
  return (
    <section className="onboarding" aria-labelledby="onboarding-title">
      <h2 id="onboarding-title">Get your first result in three steps</h2>
      <ol className="checklist">
        {steps.map((step, index) => (
          <li key={step.title} className={`checklist-step${step.done ? ' done' : ''}${index === current ? ' current' : ''}`} data-testid="onboarding-step" data-done={step.done}>
            <span className="check" aria-hidden="true">{step.done ? '✓' : index + 1}</span>
            <div className="checklist-body">
              <strong>{step.title}</strong>
              <span className="visually-hidden">{step.done ? ' (done)' : ''}</span>
              <p className="muted">{step.text}</p>
            </div>
            <button type="button" className={`button${index === current ? ' primary' : ''}`} onClick={step.action.run}>{step.action.label}</button>
          </li>
        ))}
      </ol>
    </section>
  );
}
