/**
 * Every failure of the library (files on disk) surfaces as a LibraryError: callers branch on
 * `code`, people read `userMessage`, which names the file and says what to do.
 */
import { UserFacingError } from '../../shared/errors';

export type LibraryErrorCode =
  | 'disk-full'
  | 'permission'
  | 'not-found'
  | 'exists'
  | 'outside-library'
  | 'invalid-image'
  | 'invalid-png'
  | 'invalid-preset'
  | 'io';

export class LibraryError extends UserFacingError<LibraryErrorCode> {
  override readonly name = 'LibraryError';
}

function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

export function isErrno(error: unknown, ...codes: string[]): boolean {
  const code = errnoCode(error);
  return code !== undefined && codes.includes(code);
}

/**
 * Turns a Node fs error into a LibraryError that names `filePath` and tells the user what to do.
 * An existing LibraryError passes through unchanged so wrapping layers never blur its code.
 */
export function toLibraryError(error: unknown, action: string, filePath: string): LibraryError {
  if (error instanceof LibraryError) return error;
  const code = errnoCode(error);
  const file = JSON.stringify(filePath);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new LibraryError('disk-full', `Not enough disk space to ${action} ${file}. Free some space on that drive, then retry.`, { cause: error });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new LibraryError('permission', `Permission denied to ${action} ${file}. Check that the library folder is writable by your user.`, { cause: error });
    case 'ENOENT':
      return new LibraryError('not-found', `Could not ${action} ${file}: it does not exist (moved or deleted?).`, { cause: error });
    case 'EEXIST':
      return new LibraryError('exists', `Could not ${action} ${file}: a file is already there. Move it away, then retry.`, { cause: error });
    default:
      return new LibraryError('io', `Could not ${action} ${file} (${code ?? 'unknown error'}). Check the drive is connected and healthy, then retry.`, { cause: error });
  }
}
