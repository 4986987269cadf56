// @vitest-environment happy-dom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { GeneralSection } from '../../src/renderer/settings/GeneralSection';
import type { QueueStatus } from '../../src/shared/ipc/contract';
import { SETTLED_WINDOW, createFakeEngine } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

const status: QueueStatus = {
  paused: false,
  waiting: null,
  jobs: [],
  counts: { waiting: 0, active: 0, doneToday: 3, failedToday: 0 },
  budget: { dailyLimit: 100, monthlyLimit: null, spentToday: 24, spentThisMonth: 310 },
};

describe('library and spending settings', () => {
  it('shows what is spent against each budget, and each problem under its own field', async () => {
    const engine = createFakeEngine({
      ...SETTLED_WINDOW,
      'settings.get': async () => ({ concurrency: 2, dailyBudget: 100, monthlyBudget: null, libraryLocation: '/tmp/library', defaultProcessedAction: 'leave' }),
      'queue.status': async () => status,
    });
    const { stores } = renderWithEngine(engine, <GeneralSection />);
    await stores.settings.getState().load();
    expect((await screen.findByTestId('spent-today')).textContent).toBe('Spent today: 24 CU of 100 CU');
    expect(screen.getByTestId('spent-this-month').textContent).toBe('Spent this month: 310 CU (no limit)');

    const monthly = screen.getByLabelText('Monthly budget (creative units)');
    fireEvent.change(monthly, { target: { value: '-5' } });
    expect(monthly.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(monthly.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(/0 or more/);
    // The daily field keeps its own line: the problem is only under the field that has it.
    expect(screen.getByLabelText('Daily budget (creative units)').getAttribute('aria-invalid')).toBe('false');
    expect(screen.getByTestId('spent-today')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Save' }).disabled).toBe(true);
  });
});
