/**
 * The tray icon keeps the hot folders working with the window closed: it shows how many
 * generations are queued and pauses or resumes them all.
 */
import { Menu, Tray, nativeImage } from 'electron';
import type { QueueStatus } from '../../shared/ipc/contract';

export interface TrayActions {
  showWindow(): void;
  pauseAll(): void;
  resumeAll(): void;
  quit(): void;
}

export function queueSummary(status: QueueStatus): string {
  const { waiting, active } = status.counts;
  if (status.paused) return `Paused — ${waiting + active} queued`;
  if (waiting + active === 0) return 'Idle';
  return `${active} running, ${waiting} waiting`;
}

export function createTray(iconPath: string, actions: TrayActions) {
  const tray = new Tray(nativeImage.createFromPath(iconPath));

  const render = (status: QueueStatus | null) => {
    const summary = status ? queueSummary(status) : 'Starting…';
    tray.setToolTip(`Scenario Hot Folder — ${summary}`);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: summary, enabled: false },
        { type: 'separator' },
        { label: 'Show window', click: actions.showWindow },
        status?.paused
          ? { label: 'Resume all', click: actions.resumeAll }
          : { label: 'Pause all', click: actions.pauseAll, enabled: status !== null },
        { type: 'separator' },
        { label: 'Quit', click: actions.quit },
      ]),
    );
  };

  render(null);
  tray.on('click', actions.showWindow);
  return { update: render, destroy: () => tray.destroy() };
}
