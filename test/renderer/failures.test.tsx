// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Toasts } from '../../src/renderer/common/Toasts';
import { DetailPanel } from '../../src/renderer/detail/DetailPanel';
import { QueueScreen } from '../../src/renderer/queue/QueueScreen';
import type { GenerationFilters, QueueJob, QueueStatus } from '../../src/shared/ipc/contract';
import { createFakeEngine, generation, generationDetail } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

const job = (generationId: string, overrides: Partial<QueueJob> = {}): QueueJob => ({
  generationId,
  presetName: 'Hero poses',
  inputName: `${generationId}.png`,
  state: 'submitted',
  progress: null,
  waiting: null,
  updatedAt: '2025-06-01T10:00:00.000Z',
  controlRelPath: `controls/${generationId}.png`,
  ...overrides,
});

const status = (jobs: QueueJob[]): QueueStatus => ({
  paused: false,
  waiting: null,
  jobs,
  counts: { waiting: 1, active: 1, doneToday: 1, failedToday: 1 },
  budget: { dailyLimit: null, monthlyLimit: null, spentToday: 0, spentThisMonth: 0 },
});

const REASON = 'Scenario refused the prompt: it names a person. Change the preset prompt, then retry.';
const failed = generation('g-failed', { state: 'failed', cover: null, control: { relPath: 'controls/g-failed.png', width: 512, height: 768 }, error: { code: 'scenario.bad-request', userMessage: REASON } });
const finished = generation('g-done');

/** The queue screen reads failures and today's results from the gallery's own pages. */
const pages = async ({ filters }: { filters?: GenerationFilters }) => ({
  items: filters?.states?.[0] === 'failed' ? [failed] : filters?.states?.[0] === 'done' ? [finished] : [],
  nextCursor: null,
});

describe('failures and finished work in the queue', () => {
  it('lists active, waiting, failed (with the full reason and Retry) and finished today', async () => {
    const engine = createFakeEngine({
      'queue.status': async () =>
        status([job('g-run', { progress: 0.5 }), job('g-held', { state: 'validated', waiting: { reason: 'rate-limit', message: 'Scenario asked us to wait 20 s.', retryAt: null } })]),
      'generations.page': pages,
      'queue.retry': async () => undefined,
    });
    const { stores } = renderWithEngine(engine, <QueueScreen />);

    const active = await screen.findByRole('region', { name: 'Active' });
    expect(within(active).getAllByTestId('queue-row').map((row) => row.dataset.generationId)).toEqual(['g-run']);
    const waiting = screen.getByRole('region', { name: 'Waiting' });
    expect(within(waiting).getByTestId('waiting-reason').textContent).toBe('Scenario asked us to wait 20 s.');
    const failedSection = await screen.findByRole('region', { name: 'Failed' });
    const row = within(failedSection).getByTestId('failed-row');
    expect(within(row).getByTestId('failure-reason').textContent).toBe(REASON);
    const today = screen.getByRole('region', { name: 'Finished today' });
    expect(within(today).getAllByRole('button').map((button) => button.getAttribute('aria-label'))).toEqual(['Show g-done.png with Hero poses in the gallery']);

    fireEvent.click(within(row).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(engine.callsTo('queue.retry')).toEqual([{ generationId: 'g-failed' }]));
    // Today's results were asked for from the start of the local day.
    const doneQuery = engine.callsTo('generations.page').find((input) => input.filters?.states?.[0] === 'done');
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    expect(doneQuery?.filters?.createdFrom).toBe(midnight.toISOString());

    // A thumbnail leads to its generation in the gallery.
    fireEvent.click(within(row).getByRole('button', { name: 'Show g-failed.png with Hero poses in the gallery' }));
    expect(stores.app.getState().screen).toBe('gallery');
    expect(stores.gallery.getState().detailId).toBe('g-failed');
  });

  it('says a burst of failures in one toast that counts them, and lists them under Failed', async () => {
    const engine = createFakeEngine({ 'queue.status': async () => status([]), 'generations.page': pages });
    const { stores } = renderWithEngine(
      engine,
      <>
        <QueueScreen />
        <Toasts />
      </>,
    );
    await screen.findByRole('region', { name: 'Failed' });
    const pagesBefore = engine.callsTo('generations.page').length;
    act(() => {
      engine.emit({ name: 'generation.failed', payload: { generationId: 'a', presetName: 'Hero poses', error: { code: 'job.failed', userMessage: 'The GPU worker failed.' } } });
      engine.emit({ name: 'generation.failed', payload: { generationId: 'b', presetName: 'Hero poses', error: { code: 'job.failed', userMessage: REASON } } });
    });
    const toasts = await screen.findAllByTestId('toast');
    expect(toasts).toHaveLength(1);
    expect(toasts[0]?.textContent).toContain(`2 generations failed. The latest: Hero poses: ${REASON}`);
    expect(toasts[0]?.getAttribute('role')).toBe('alert');
    // The failed list is read again for the burst.
    await waitFor(() => expect(engine.callsTo('generations.page').length).toBeGreaterThan(pagesBefore));

    act(() => stores.app.getState().show('gallery'));
    fireEvent.click(within(toasts[0] as HTMLElement).getByRole('button', { name: 'Show failed' }));
    expect(stores.app.getState().screen).toBe('queue');
  });
});

describe('retry in the detail panel', () => {
  it('offers Retry for a failed generation, sends it, and reads the generation again', async () => {
    let state: 'failed' | 'detected' = 'failed';
    const engine = createFakeEngine({
      'generations.detail': async ({ id }) => generationDetail(id, { state, images: [], cover: null, error: state === 'failed' ? { code: 'job.failed', userMessage: REASON } : null }),
      'queue.retry': async () => {
        state = 'detected';
      },
      'queue.status': async () => status([]),
      'generations.page': pages,
    });
    const { stores } = renderWithEngine(engine, <DetailPanel />);
    act(() => stores.gallery.getState().openDetail('g-failed'));
    const panel = await screen.findByRole('complementary', { name: 'Generation details' });
    expect(await within(panel).findByText(REASON)).toBeTruthy();
    fireEvent.click(within(panel).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(engine.callsTo('queue.retry')).toEqual([{ generationId: 'g-failed' }]));
    await waitFor(() => expect(within(panel).queryByRole('button', { name: 'Retry' })).toBeNull());
  });
});
