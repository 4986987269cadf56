export { canonicalJson } from './canonical-json';
export { PresetError, type PresetErrorCode } from './errors';
export {
  FAMILY_RULES, MODEL_FAMILIES, asModelFamily, familyOfModel, isFluxFamily, isFluxLora,
  type FamilyRules, type ModelFamily, type NumberRange,
} from './families';
export {
  MAX_MODALITIES, MODALITY_NAMES, MODALITY_PRESETS, formatModality, modalityNames, modalityWords, parseModality,
  type ModalityItem, type ModalityParseResult, type ParsedModality,
} from './modality';
export {
  buildControlNetRequest, seedForRun,
  type ControlNetConcept, type ControlNetRequest, type ControlNetRequestBody, type ControlNetRequestInput,
} from './request';
export {
  GENERIC_DEFAULTS, PRESET_NAME_MAX, SCHEDULERS, SIZE_MULTIPLE, conceptSchema, defaultsFor, presetSchema, validatePreset,
  type Concept, type FamilyDefaults, type FieldIssue, type Preset, type PresetContext, type PresetInput,
  type PresetValidation, type Scheduler,
} from './schema';
export { isValidSeed, randomSeed } from './seed';
