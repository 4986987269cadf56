// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { startLoading } from '../../src/renderer/stores';
import type { QueueStatus } from '../../src/shared/ipc/contract';
import { SETTLED_WINDOW, createFakeEngine } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

const heldByKey: QueueStatus = {
  paused: false,
  waiting: { reason: 'credentials', message: 'Scenario refused the API key (401). Every file waits in its folder: save a valid key in Settings.', retryAt: null },
  jobs: [],
  counts: { waiting: 3, active: 0, doneToday: 0, failedToday: 0 },
  budget: { dailyLimit: null, monthlyLimit: null, spentToday: 0, spentThisMonth: 0 },
};

function engine() {
  return createFakeEngine({
    ...SETTLED_WINDOW,
    'queue.status': async () => heldByKey,
    'queue.notices': async () => [],
  });
}

describe('the queue-wide hold', () => {
  it('is said on the gallery with its reason and leads to where it is fixed, and goes once the queue resumes', async () => {
    const fake = engine();
    const { stores } = renderWithEngine(fake, <App />);
    startLoading(stores);
    const banner = await screen.findByTestId('hold-banner');
    expect(banner.dataset.reason).toBe('credentials');
    expect(banner.textContent).toContain('API key refused');
    expect(banner.textContent).toContain('save a valid key in Settings');
    fireEvent.click(screen.getByRole('button', { name: 'Open Settings' }));
    expect(stores.app.getState().screen).toBe('settings');
    act(() => stores.queue.getState().applyResumed());
    expect(screen.queryByTestId('hold-banner')).toBeNull();
  });
});
