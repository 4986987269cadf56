/** The application menu: standard roles, queue controls, and developer tools only in development. */
import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  pauseAll(): void;
  resumeAll(): void;
}

export function installMenu(actions: MenuActions, { isMac, isDev }: { isMac: boolean; isDev: boolean }): void {
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'Queue',
      submenu: [
        { label: 'Pause all', accelerator: 'CmdOrCtrl+Shift+P', click: actions.pauseAll },
        { label: 'Resume all', accelerator: 'CmdOrCtrl+Shift+R', click: actions.resumeAll },
      ],
    },
    {
      label: 'View',
      submenu: [
        ...(isDev ? [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }, { type: 'separator' as const }] : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
