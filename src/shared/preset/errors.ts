export type PresetErrorCode = 'invalid-seed' | 'missing-image';

/** A request could not be built from a preset; `userMessage` tells a person what to do. */
export class PresetError extends Error {
  override readonly name = 'PresetError';

  constructor(
    readonly code: PresetErrorCode,
    readonly userMessage: string,
  ) {
    super(userMessage);
  }
}
