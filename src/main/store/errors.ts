export type StoreErrorCode =
  | 'newer-version'
  | 'corrupt'
  | 'not-found'
  | 'invalid-transition'
  | 'name-taken'
  | 'invalid-cursor'
  | 'invalid-import'
  | 'invalid-argument';

/** Every failure the store reports on purpose: `code` for programs, `userMessage` for people. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly userMessage: string;

  constructor(code: StoreErrorCode, userMessage: string, options?: { cause?: unknown; detail?: string }) {
    super(options?.detail ? `${userMessage} (${options.detail})` : userMessage, { cause: options?.cause });
    this.name = 'StoreError';
    this.code = code;
    this.userMessage = userMessage;
  }
}

/** SQLite's own result codes that mean "these bytes are not a sound database". */
export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT_'));
}
