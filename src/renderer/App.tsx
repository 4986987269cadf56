import { WindowDrop } from './common/WindowDrop';
import { Toasts } from './common/Toasts';
import { GalleryScreen } from './gallery/GalleryScreen';
import { PresetsScreen } from './presets/PresetsScreen';
import { QueueScreen } from './queue/QueueScreen';
import { FirstRun } from './settings/FirstRun';
import { SettingsScreen } from './settings/SettingsScreen';
import { useAppStore, useQueue } from './stores';
import type { Screen } from './stores/appStore';

const SCREENS: { screen: Screen; label: string }[] = [
  { screen: 'gallery', label: 'Gallery' },
  { screen: 'presets', label: 'Presets' },
  { screen: 'queue', label: 'Queue' },
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
          </button>
        ))}
        <div className="sidebar-foot">
          {info?.usingSimulator && <span className="badge simulated" data-testid="simulator-mode">Simulator: results are simulated</span>}
          {info && <span className="muted">{`v${info.version}`}</span>}
        </div>
      </nav>
      <main className="screen">
        {screen === 'gallery' && <GalleryScreen />}
        {screen === 'presets' && <PresetsScreen />}
        {screen === 'queue' && <QueueScreen />}
        {screen === 'settings' && <SettingsScreen />}
      </main>
      <WindowDrop />
      <FirstRun />
      <Toasts />
    </div>
  );
}
