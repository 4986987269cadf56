// The durable per-(input, preset) state machine, its queue, waits and events, and the folder feed.
export { createPipeline, BUDGET_SETTING_KEYS } from './pipeline';
export type { IntakeSource, Pipeline, PipelineOptions, PipelineStatus, QueueJobStatus } from './pipeline';
export { createFolderManager } from './folders';
export type { FolderManager, FolderManagerOptions } from './folders';
export { PipelineEmitter } from './events';
export type { PipelineEventName, PipelineEvents, Waiting, WaitingReason } from './events';
export { PipelineError } from './errors';
export type { PipelineErrorCode } from './errors';
export { DONE_FOLDER, FAILED_FOLDER } from './processed';
export { DEFAULT_MAX_INPUT_BYTES, MAX_CONTROL_SIDE } from './validate';
