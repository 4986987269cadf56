/**
 * The desktop's shell adapter: opening a library image with the OS, showing it in its folder,
 * dragging it out of the window into other apps, and the OS folder picker for watched folders. Paths arrive already resolved inside the library
 * (handlers-app); what may be opened or dragged is decided in policy.ts.
 */
import { dialog, nativeImage, shell, type BrowserWindow, type NativeImage } from 'electron';
import { HandlerError, type ShellAdapter } from '../engine/handlers-context';
import { DRAG_ICON_WIDTH, fileDragDecision, isOpenableLibraryFile } from './policy';

export interface DesktopShellOptions {
  /** The app's one window, when it is open. */
  window: () => BrowserWindow | null;
  /** The drag icon for files nativeImage cannot decode. */
  appIconPath: string;
}

export function createDesktopShell({ window, appIconPath }: DesktopShellOptions): ShellAdapter {
  const dragIcon = (absolutePath: string, icon: 'file' | 'app-icon'): NativeImage => {
    const picture = icon === 'file' ? nativeImage.createFromPath(absolutePath) : nativeImage.createEmpty();
    return (picture.isEmpty() ? nativeImage.createFromPath(appIconPath) : picture).resize({ width: DRAG_ICON_WIDTH });
  };

  return {
    async openFile(absolutePath) {
      if (!isOpenableLibraryFile(absolutePath)) {
        throw new HandlerError('shell.not-an-image', 'Only images can be opened from the app. Use "Show in folder" to reach this file.');
      }
      const failure = await shell.openPath(absolutePath);
      if (failure !== '') throw new HandlerError('shell.open-failed', `The file could not be opened (${failure}). Check that an app is set to open this kind of file.`);
    },
    async revealFile(absolutePath) {
      shell.showItemInFolder(absolutePath);
    },
    async startDrag(absolutePath) {
      const decision = fileDragDecision(absolutePath);
      if (!decision.allowed) throw new HandlerError('shell.not-an-image', 'Only images can be dragged out of the app.');
      // The dispatcher answers only our window's own page, so the window is the drag's sender:
      // Electron starts the OS drag from the webContents whose dragstart the page cancelled.
      const current = window();
      if (current === null || current.isDestroyed()) return;
      current.webContents.startDrag({ file: absolutePath, icon: dragIcon(absolutePath, decision.icon) });
    },
    async pickFolder() {
      const current = window();
      const options = { title: 'Choose a folder to watch', properties: ['openDirectory' as const, 'createDirectory' as const] };
      const picked = current === null || current.isDestroyed() ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(current, options);
      return picked.canceled ? null : (picked.filePaths[0] ?? null);
    },
  };
}
