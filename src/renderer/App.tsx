import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { Toasts } from './common/Toasts';
import { WindowDrop } from './common/WindowDrop';
import { GalleryScreen } from './gallery/GalleryScreen';
import { HoldBanner } from './queue/HoldBanner';
import { FirstRun } from './settings/FirstRun';
import { SyncLine } from './common/SyncLine';
import { StoresProvider, useAppStore, useQueue, type Stores } from './stores';
import type { Screen } from './stores/appStore';

// The window opens on the gallery; the other screens are fetched when first shown, so the first
// screen neither waits for their code nor shares the connections with it while thumbnails load.
const PresetsScreen = lazy(() => import('./presets/PresetsScreen').then((module) => ({ default: module.PresetsScreen })));
const QueueScreen = lazy(() => import('./queue/QueueScreen').then((module) => ({ default: module.QueueScreen })));
const TrashScreen = lazy(() => import('./trash/TrashScreen').then((module) => ({ default: module.TrashScreen })));
const SettingsScreen = lazy(() => import('./settings/SettingsScreen').then((module) => ({ default: module.SettingsScreen })));

const SCREENS: { screen: Screen; label: string }[] = [
  { screen: 'gallery', label: 'Gallery' },
  { screen: 'presets', label: 'Presets' },
  { screen: 'queue', label: 'Queue' },
  { screen: 'trash', label: 'Trash' },
  { screen: 'settings', label: 'Settings' },
];

export function App() {
  const { screen, show, info, loadError } = useAppStore((state) => ({
    screen: state.screen,
    show: state.show,
    info: state.info,
    loadError: state.loadError,
  }));
  const activeJobs = useQueue((state) => (state.status?.counts.active ?? 0) + (state.status?.counts.waiting ?? 0));
  const unseenNotices = useQueue((state) => state.unseenNotices);

  if (loadError) return <p className="fatal" role="alert">{loadError}</p>;
  // The shell draws at once (the loads start in `startLoading`): only its footer waits for app.info.

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Hot Folder</div>
        {SCREENS.map((entry) => (
          <button
            key={entry.screen}
            type="button"
            className={`nav-item${screen === entry.screen ? ' active' : ''}`}
            aria-current={screen === entry.screen ? 'page' : undefined}
            onClick={() => show(entry.screen)}
          >
            {entry.label}
            {entry.screen === 'queue' && activeJobs > 0 && <span className="count" aria-label={`${activeJobs} in queue`}>{activeJobs}</span>}
            {entry.screen === 'queue' && unseenNotices > 0 && (
              <span className="count notices-count" data-testid="unseen-notices" aria-label={`${unseenNotices} new notices`}>{`!${unseenNotices}`}</span>
            )}
          </button>
        ))}
        <div className="sidebar-foot">
          {info?.usingSimulator && <span className="badge simulated" data-testid="simulator-mode">Simulator: results are simulated</span>}
          <SyncLine />
          {info && <span className="muted">{`v${info.version}`}</span>}
        </div>
      </nav>
      <main className="screen">
        {info?.attachedTo && (
          <div className="banner attached-banner" role="status" data-testid="attached-banner">
            {info.attachedTo}
          </div>
        )}
        <HoldBanner />
        <Suspense fallback={null}>
          {screen === 'gallery' && <GalleryScreen />}
          {screen === 'presets' && <PresetsScreen />}
          {screen === 'queue' && <QueueScreen />}
          {screen === 'trash' && <TrashScreen />}
          {screen === 'settings' && <SettingsScreen />}
        </Suspense>
      </main>
      <WindowDrop />
      <FirstRun />
      <Toasts />
    </div>
  );
}

/** Draws the window for stores whose first calls are already on their way (see main.tsx). */
export function mountApp(container: HTMLElement, started: Stores | { error: string }): void {
  const root = createRoot(container);
  if ('error' in started) {
    root.render(<p className="fatal" role="alert">{started.error}</p>);
    return;
  }
  root.render(
    <StrictMode>
      <StoresProvider stores={started}>
        <App />
      </StoresProvider>
    </StrictMode>,
  );
}
