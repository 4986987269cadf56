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

    // The running job first (Active), then the ones that wait (Waiting), each with its reason.
    const rows = await screen.findAllByTestId('queue-row');
    expect(rows.map((row) => row.dataset.generationId)).toEqual(['g-run', 'g-net', 'g-budget', 'g-unknown']);
    const reasons = screen.getAllByTestId('waiting-reason');
    expect(reasons.map((reason) => reason.dataset.reason)).toEqual(['network', 'budget', 'outcome-unknown']);
    expect(reasons[0]?.textContent).toBe('No connection to api.cloud.scenario.com.');
    expect(reasons[1]?.textContent).toMatch(/budget/i);
    expect(reasons[2]?.textContent).toBe('The answer was lost.');
    // Each waiting row's badge names its reason instead of its pipeline state.
    const badges = rows.map((row) => within(row).getByTestId('queue-state').textContent);
    expect(badges).toEqual(['Generating', 'Waiting for the network', 'Waiting for budget', 'Checking with Scenario']);
    expect(within(rows[0] as HTMLElement).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('40');
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

  it('counts a job held by a queue-wide network wait as waiting, and says the engine message once', async () => {
    const message = 'Could not reach Scenario for the upload of depth-sphere.png. Check your internet connection.';
    const engine = createFakeEngine({
      'queue.status': async () => ({
        ...status([job('g-held', { state: 'validated' })]),
        // The engine's message may carry a title of its own: the banner says one title only.
        waiting: { reason: 'network', message: `Waiting for network: ${message}`, retryAt: null },
        counts: { waiting: 0, active: 1, doneToday: 3, failedToday: 0 },
      }),
    });
    renderWithEngine(engine, <QueueScreen />);
    const [row] = await screen.findAllByTestId('queue-row');

    expect(screen.getByText(/active · .* waiting/).textContent).toMatch(/^0 active · 1 waiting/);
    expect(within(row as HTMLElement).getByTestId('queue-state').textContent).toBe('Waiting for the network');
    const banner = screen.getByTestId('queue-waiting');
    expect(banner.textContent).toBe(`Waiting for the network ${message}`);
    expect(screen.queryByTestId('waiting-reason')).toBeNull();
  });
});
