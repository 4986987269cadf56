import { UserFacingError } from '../errors';
export type PresetErrorCode = 'invalid-seed' | 'missing-image';

/** A request could not be built from a preset; `userMessage` tells a person what to do. */
export class PresetError extends UserFacingError<PresetErrorCode> {
  override readonly name = 'PresetError';
}
