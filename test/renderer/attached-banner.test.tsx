// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { startLoading } from '../../src/renderer/stores';
import { SETTLED_WINDOW, createFakeEngine } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

const INFO = { version: '1.0.0', platform: 'linux', libraryUrlBase: 'library://local/', usingSimulator: false, dataFolder: '/tmp/home' };

describe('a window served by another process\'s engine', () => {
  it('says so on every screen', async () => {
    const notice = 'Attached to the engine of another process (4242) that holds this library, such as a headless `scenario-hotfolder watch`.';
    const fake = createFakeEngine({ ...SETTLED_WINDOW, 'app.info': async () => ({ ...INFO, attachedTo: notice }) });
    const { stores } = renderWithEngine(fake, <App />);
    startLoading(stores);
    expect((await screen.findByTestId('attached-banner')).textContent).toBe(notice);
  });

  it('says nothing when the engine is its own', async () => {
    const fake = createFakeEngine({ ...SETTLED_WINDOW, 'app.info': async () => ({ ...INFO, attachedTo: null }) });
    const { stores } = renderWithEngine(fake, <App />);
    startLoading(stores);
    await screen.findByText('v1.0.0');
    expect(screen.queryByTestId('attached-banner')).toBeNull();
  });
});
