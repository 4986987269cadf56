export {
  INPUT_TYPES, defaultFileInput, isArrayInput, isDefined, isFileInput, isImageFileInput, labelOf, modelInputSchema, modelInputsSchema, publishedInputs,
  type InputType, type ModelInput, type RequiredRules,
} from './inputs';
export { checkInputValues, isFileReference, type CheckOptions, type InputIssue } from './validate';
export { describeInputChanges, inputsVersion } from './version';
export {
  CUSTOM_FAMILY, CUSTOM_PRESET_KEYS, SEED_INPUT, customPresetSchema, isCustomPresetDocument, buildCustomRequest, customSeedForRun, fileInputOf, presetValues, randomSeedWithin, validateCustomPreset,
  type CustomPreset, type CustomPresetValidation, type CustomRequest,
} from './preset';
