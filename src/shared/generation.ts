/**
 * The durable states of one generation (one control image × one preset version), as the store
 * keeps them and the window shows them. The order is the pipeline's: detected → … → done.
 */
export const GENERATION_STATES = [
  'detected',
  'validated',
  'uploaded',
  'submitting',
  'submitted',
  'downloading',
  'done',
  'failed',
  'canceled',
  'outcome-unknown',
] as const;
export type GenerationState = (typeof GENERATION_STATES)[number];

/** How a generation came to be: a watched folder, a person's run, or from an earlier generation. */
export const GENERATION_KINDS = ['hotfolder', 'manual', 'reproduction', 'variation'] as const;
export type GenerationKind = (typeof GENERATION_KINDS)[number];
