import { useState } from 'react';
import type { QueueJob, Waiting } from '../../shared/ipc/contract';
import { userMessageOf } from '../common/errors';
import { dateTime, isFinished, stateLabel } from '../common/format';
import { useApi, useQueue } from '../stores';
import { GenerationThumb } from './GenerationThumb';
import { WAITING_TITLES, waitingText } from './waitingWords';

/** One job; `waiting` is what holds it (its own reason or the whole queue's), shown on its badge. */
export function QueueRow({ job, waiting }: { job: QueueJob; waiting: Waiting | null }) {
  const { cancel, retry } = useQueue((state) => ({ cancel: state.cancel, retry: state.retry }));
  const failure = useFailureReason(job.generationId);
  const finished = isFinished(job.state);
  const percent = job.progress === null ? null : Math.round(job.progress * 100);

  return (
    <li className={`queue-row state-${job.state}`} data-testid="queue-row" data-generation-id={job.generationId} aria-label={`${job.inputName} with ${job.presetName}`}>
      <GenerationThumb generation={{ id: job.generationId, inputName: job.inputName, presetName: job.presetName }} relPath={job.controlRelPath ?? null} />
      <div className="queue-row-body">
        <div className="queue-main">
          <span className="queue-name">{job.inputName}</span>
          <span className="muted">{job.presetName}</span>
          {waiting ? (
            <span className="badge waiting" data-testid="queue-state" data-reason={waiting.reason}>{WAITING_TITLES[waiting.reason]}</span>
          ) : (
            <span className={`badge state-${job.state}`} data-testid="queue-state">{stateLabel(job.state)}</span>
          )}
        </div>
        {percent !== null && !finished && (
          <div className="progress" role="progressbar" aria-label="Progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <div className="progress-fill" style={{ width: `${percent}%` }} />
          </div>
        )}
        {/* The queue's banner already explains a queue-wide wait: a row explains only its own. */}
        {job.waiting && (
          <p className="waiting" data-testid="waiting-reason" data-reason={job.waiting.reason}>
            {waitingText(job.waiting)}
            {job.waiting.retryAt && <span className="muted"> Next try: {dateTime(job.waiting.retryAt)}.</span>}
          </p>
        )}
        {failure.text && <p className="inline-error" role="alert">{failure.text}</p>}
      </div>
      <div className="button-row">
        {!finished && (
          <button type="button" className="button small" onClick={() => void cancel(job.generationId)}>Cancel</button>
        )}
        {job.state === 'failed' && (
          <>
            <button type="button" className="button small" onClick={() => void retry(job.generationId)}>Retry</button>
            <button type="button" className="button small ghost" onClick={failure.show} aria-expanded={failure.text !== null}>Why did it fail?</button>
          </>
        )}
      </div>
    </li>
  );
}

/** A failure's reason lives on the generation, fetched only when asked for. */
function useFailureReason(generationId: string) {
  const api = useApi();
  const [text, setText] = useState<string | null>(null);
  const show = async () => {
    if (text !== null) return setText(null);
    try {
      const detail = await api.generations.detail({ id: generationId });
      setText(detail.error?.userMessage ?? 'No reason was recorded for this failure.');
    } catch (error) {
      setText(userMessageOf(error));
    }
  };
  return { text, show: () => void show() };
}
