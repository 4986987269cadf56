export type HotFolderErrorCode =
  | 'FOLDER_MISSING'
  | 'FOLDER_UNREADABLE'
  | 'WATCH_FAILED'
  | 'HANDLER_FAILED';

/** A watched folder's trouble, told so that a person knows what to do. Watching resumes on its own. */
export class HotFolderError extends Error {
  override readonly name = 'HotFolderError';

  constructor(
    readonly code: HotFolderErrorCode,
    readonly folder: string,
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${userMessage}`, options);
  }

  static folderMissing(folder: string): HotFolderError {
    return new HotFolderError(
      'FOLDER_MISSING',
      folder,
      `The watched folder ${folder} is missing (deleted, renamed or its drive disconnected). Watching resumes by itself when it is back; otherwise choose another folder.`,
    );
  }

  static folderUnreadable(folder: string, cause: unknown): HotFolderError {
    return new HotFolderError(
      'FOLDER_UNREADABLE',
      folder,
      `The watched folder ${folder} cannot be read (${describeCause(cause)}). Check that it is a folder and that this app may read it; watching retries by itself.`,
      { cause },
    );
  }

  static watchFailed(folder: string, cause: unknown): HotFolderError {
    return new HotFolderError(
      'WATCH_FAILED',
      folder,
      `Watching ${folder} failed (${describeCause(cause)}); the watcher restarts by itself. If this repeats, watch fewer or smaller folders, or raise the system's file-watch limit.`,
      { cause },
    );
  }

  static handlerFailed(folder: string, cause: unknown): HotFolderError {
    return new HotFolderError(
      'HANDLER_FAILED',
      folder,
      `A file from ${folder} could not be passed on (${describeCause(cause)}). Watching continues; the file is considered again when it changes.`,
      { cause },
    );
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code}: ${cause.message}` : cause.message;
  }
  return String(cause);
}
