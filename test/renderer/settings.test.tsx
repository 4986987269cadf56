// @vitest-environment happy-dom
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialsSection } from '../../src/renderer/settings/CredentialsSection';
import { createFakeEngine } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

describe('credentials on the built-in simulator', () => {
  it('explains the simulator plainly, and disables the key fields where no secret can be kept', async () => {
    const backendMessage = 'Credentials come from the SCENARIO_API_KEY and SCENARIO_API_SECRET environment variables here.';
    const engine = createFakeEngine({
      'settings.get': async () => ({ concurrency: 2, dailyBudget: null, monthlyBudget: null, libraryLocation: '/tmp/library', defaultProcessedAction: 'leave' }),
      'credentials.status': async () => ({ stored: false, backendOk: false, backendMessage, apiKeyHint: null }),
      'folders.list': async () => [],
    });
    const { stores } = renderWithEngine(engine, <CredentialsSection />);
    await act(() => stores.app.getState().load());
    await act(() => stores.settings.getState().load());

    expect(screen.getByTestId('simulator-note').textContent).toMatch(/^You are using the built-in simulator: results are simulated and free\. To use your Scenario account, /);
    // The host's reason is a note, not an error.
    expect(screen.getByTestId('credentials-note').textContent).toBe(backendMessage);
    expect(screen.queryByRole('alert')).toBeNull();
    expect((screen.getByLabelText('API key') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText('API secret') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Save key' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
