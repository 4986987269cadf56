// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { startLoading } from '../../src/renderer/stores';
import type { EngineNotice, QueueStatus } from '../../src/shared/ipc/contract';
import { SETTLED_WINDOW, createFakeEngine } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

const emptyQueue: QueueStatus = {
  paused: false,
  waiting: null,
  jobs: [],
  counts: { waiting: 0, active: 0, doneToday: 0, failedToday: 0 },
  budget: { dailyLimit: null, monthlyLimit: null, spentToday: 0, spentThisMonth: 0 },
};

const notice = (id: number, overrides: Partial<EngineNotice> = {}): EngineNotice => ({
  id,
  kind: 'skipped',
  path: `/inbox/pose-${id}.png`,
  reason: 'input-unreadable',
  message: `"/inbox/pose-${id}.png" could not be read (EACCES). Check its permissions, then drop it again.`,
  at: '2026-12-04T10:00:00.000Z',
  ...overrides,
});

function engineWith(earlier: EngineNotice[]) {
  let kept = earlier;
  return createFakeEngine({
    ...SETTLED_WINDOW,
    'queue.status': async () => emptyQueue,
    'queue.notices': async () => kept,
    'queue.clearNotices': async ({ throughId }) => void (kept = kept.filter((notice) => notice.id > throughId)),
  });
}

/**
 * The queue's list of notices, once it shows them. Waited for by its items (a cheap query), then
 * found once by its role and name: polling a role query over the whole window took longer than
 * the wait's second on a loaded machine.
 */
async function queueNoticeList(): Promise<HTMLElement> {
  await screen.findAllByTestId('notice');
  return screen.getByRole('region', { name: 'Files not taken and warnings' });
}

describe('notices from the engine', () => {
  it('counts notices from before the window opened in the sidebar, without a toast', async () => {
    const engine = engineWith([notice(1), notice(2, { kind: 'warning', path: null, reason: null, message: 'Could not move "/inbox/a.png" after processing.' })]);
    const { stores } = renderWithEngine(engine, <App />);
    startLoading(stores);

    expect((await screen.findByTestId('unseen-notices')).textContent).toBe('!2');
    expect(screen.queryAllByTestId('toast')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: /^Queue/ }));
    const list = await queueNoticeList();
    // Newest first.
    expect(within(list).getAllByTestId('notice').map((item) => item.dataset.kind)).toEqual(['warning', 'skipped']);
    await waitFor(() => expect(screen.queryByTestId('unseen-notices')).toBeNull());
  });

  it('toasts a file a watched folder did not take, once for a burst, and lists them all in the queue', async () => {
    const engine = engineWith([]);
    const { stores } = renderWithEngine(engine, <App />);
    startLoading(stores);
    await waitFor(() => expect(engine.callsTo('queue.notices')).toHaveLength(1));

    act(() => {
      for (let id = 1; id <= 3; id += 1) engine.emit({ name: 'engine.notice', payload: notice(id) });
    });
    const toasts = await screen.findAllByTestId('toast');
    expect(toasts).toHaveLength(1);
    expect(toasts[0]?.textContent).toContain('pose-1.png');
    expect(screen.getByTestId('unseen-notices').textContent).toBe('!3');

    fireEvent.click(within(toasts[0] as HTMLElement).getByRole('button', { name: 'Show all' }));
    const list = await queueNoticeList();
    expect(within(list).getAllByTestId('notice').map((item) => item.textContent)).toEqual([
      expect.stringContaining('pose-3.png'),
      expect.stringContaining('pose-2.png'),
      expect.stringContaining('pose-1.png'),
    ]);

    // While the list is in view a new notice joins it, with no toast and no count.
    act(() => engine.emit({ name: 'engine.notice', payload: notice(4, { reason: 'duplicate', message: '"/inbox/pose-4.png" has the same content as "/inbox/pose-1.png".' }) }));
    await waitFor(() => expect(within(list).getAllByTestId('notice')).toHaveLength(4));
    expect(screen.queryByTestId('unseen-notices')).toBeNull();

    fireEvent.click(within(list).getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(screen.queryAllByTestId('notice')).toEqual([]));
    expect(screen.queryByRole('region', { name: 'Files not taken and warnings' })).toBeNull();
    expect(engine.callsTo('queue.clearNotices')).toEqual([{ throughId: 4 }]);
  });
});
