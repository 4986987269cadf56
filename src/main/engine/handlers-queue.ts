/** queue.*: the pipeline's live status and the person's controls over it. */
import type { QueueStatus } from '../../shared/ipc/contract';
import type { PipelineStatus } from '../pipeline/index';
import type { Engine } from './engine';
import { rowId } from './dto';
import type { HandlersFor } from './handlers-context';

export function queueStatusDto(status: PipelineStatus): QueueStatus {
  return { ...status, jobs: status.jobs.map((job) => ({ ...job, generationId: String(job.generationId) })) };
}

export function queueHandlers(engine: Engine): HandlersFor<'queue'> {
  const { pipeline } = engine;
  return {
    'queue.status': async () => queueStatusDto(engine.status()),
    'queue.notices': async () => engine.notices.list(),
    'queue.clearNotices': async ({ throughId }) => engine.notices.clear(throughId),
    'queue.cancel': async ({ generationId }) => pipeline.cancel(rowId(generationId, 'generation')),
    'queue.retry': async ({ generationId }) => pipeline.retry(rowId(generationId, 'generation')),
    'queue.pauseAll': async () => pipeline.pauseAll(),
    'queue.resumeAll': async () => pipeline.resumeAll(),
  };
}
