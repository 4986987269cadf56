// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueJob, QueueStatus } from '../../src/shared/ipc/contract';
import { QueueScreen } from '../../src/renderer/queue/QueueScreen';
import { createFakeEngine, generationDetail } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

const job = (generationId: string, overrides: Partial<QueueJob>): QueueJob => ({
  generationId,
  presetName: 'Hero poses',
  inputName: `${generationId}.png`,
  state: 'submitted',
  progress: null,
  waiting: null,
  updatedAt: '2025-06-01T10:00:00.000Z',
  ...overrides,
});

const status = (jobs: QueueJob[]): QueueStatus => ({
  paused: false,
  waiting: null,
  jobs,
  counts: { waiting: 2, active: 1, doneToday: 3, failedToday: 1 },
  budget: { dailyLimit: 100, monthlyLimit: null, spentToday: 40, spentThisMonth: 90 },
});

describe('queue screen', () => {
  it('says in plain words why each job waits, and shows progress', async () => {
    const engine = createFakeEngine({
      'queue.status': async () =>
        status([
          job('g-net', { state: 'submitting', waiting: { reason: 'network', message: 'No connection to api.cloud.scenario.com.', retryAt: null } }),
          job('g-budget', { state: 'validated', waiting: { reason: 'budget', message: 'Daily budget of 100 CU reached.', retryAt: null } }),
          job('g-unknown', { state: 'submitting', waiting: { reason: 'outcome-unknown', message: 'The answer was lost.', retryAt: null } }),
          job('g-run', { state: 'submitted', progress: 0.4 }),
        ]),
    });
    renderWithEngine(engine, <QueueScreen />);

    const rows = await screen.findAllByTestId('queue-row');
    expect(rows).toHaveLength(4);
    const reasons = screen.getAllByTestId('waiting-reason');
    expect(reasons.map((reason) => reason.dataset.reason)).toEqual(['network', 'budget', 'outcome-unknown']);
    expect(reasons[0]?.textContent).toMatch(/Waiting for the network/);
    expect(reasons[0]?.textContent).toMatch(/No connection to api\.cloud\.scenario\.com\./);
    expect(reasons[1]?.textContent).toMatch(/budget/i);
    expect(reasons[2]?.textContent).toMatch(/never paid for twice/);
    expect(within(rows[3] as HTMLElement).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('40');
  });

  it('updates a row from job.progress events, cancels and retries', async () => {
    const engine = createFakeEngine({
      'queue.status': async () => status([job('g-run', { state: 'submitted', progress: 0.1 }), job('g-failed', { state: 'failed' })]),
      'queue.cancel': async () => undefined,
      'queue.retry': async () => undefined,
      'generations.detail': async ({ id }) =>
        generationDetail(id, { state: 'failed', error: { code: 'scenario.forbidden', userMessage: 'This model needs a higher Scenario plan.' } }),
    });
    renderWithEngine(engine, <QueueScreen />);
    const [running, failed] = await screen.findAllByTestId('queue-row');

    engine.emit({ name: 'job.progress', payload: { generationId: 'g-run', state: 'downloading', progress: 0.9 } });
    await waitFor(() => expect(within(running as HTMLElement).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('90'));
    expect(within(running as HTMLElement).getByTestId('queue-state').textContent).toBe('Downloading');

    fireEvent.click(within(running as HTMLElement).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(failed as HTMLElement).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(engine.callsTo('queue.cancel')).toEqual([{ generationId: 'g-run' }]));
    await waitFor(() => expect(engine.callsTo('queue.retry')).toEqual([{ generationId: 'g-failed' }]));

    fireEvent.click(within(failed as HTMLElement).getByRole('button', { name: 'Why did it fail?' }));
    expect(await within(failed as HTMLElement).findByText('This model needs a higher Scenario plan.')).toBeTruthy();
  });
});
