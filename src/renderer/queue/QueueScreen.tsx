import { useEffect } from 'react';
import type { GenerationSummary } from '../../shared/ipc/contract';
import { creativeUnits, dateTime, isFinished } from '../common/format';
import { useQueue } from '../stores';
import { GenerationThumb } from './GenerationThumb';
import { NoticeList } from './NoticeList';
import { QueueRow } from './QueueRow';
import { WAITING_TITLES, queueCounts, waitingOf, waitingText } from './waitingWords';

/**
 * The queue as a visual list: what runs, what waits (and why, per row), what failed (with its full
 * reason and Retry), and what finished today; every thumbnail leads to its generation in the gallery.
 */
export function QueueScreen() {
  const { status, recent, recentError, load, loadRecent, pauseAll, resumeAll } = useQueue((state) => ({
    status: state.status,
    recent: state.recent,
    recentError: state.recentError,
    load: state.load,
    loadRecent: state.loadRecent,
    pauseAll: state.pauseAll,
    resumeAll: state.resumeAll,
  }));
  useEffect(() => {
    void load();
    void loadRecent();
  }, [load, loadRecent]);

  if (!status) return <section className="screen-body" aria-label="Queue"><p className="muted">Loading the queue…</p></section>;
  const { budget } = status;
  const counts = queueCounts(status);
  // A job that just ended stays in the status until its next change: it is listed under its result.
  const liveJobs = status.jobs.filter((job) => !isFinished(job.state));
  const failedJobs = status.jobs.filter((job) => job.state === 'failed');
  const failedEarlier = (recent?.failed ?? []).filter((generation) => !failedJobs.some((job) => job.generationId === generation.id));
  const waitingJobs = liveJobs.filter((job) => waitingOf(job, status) !== null);
  const activeJobs = liveJobs.filter((job) => waitingOf(job, status) === null);
  return (
    <section className="screen-body queue" aria-label="Queue">
      <header className="screen-header">
        <h1>Queue</h1>
        <span className="muted">{`${counts.active} active · ${counts.waiting} waiting · ${counts.doneToday} done today · ${counts.failedToday} failed today`}</span>
        {status.paused ? (
          <button type="button" className="button primary" onClick={() => void resumeAll()}>Resume all</button>
        ) : (
          <button type="button" className="button" onClick={() => void pauseAll()}>Pause all</button>
        )}
      </header>
      {status.waiting && (
        <div className="banner" role="status" data-testid="queue-waiting" data-reason={status.waiting.reason}>
          <strong>{WAITING_TITLES[status.waiting.reason]}</strong> {waitingText(status.waiting)}
        </div>
      )}
      <p className="muted">
        {`Spent today ${creativeUnits(budget.spentToday)}${budget.dailyLimit === null ? '' : ` of ${creativeUnits(budget.dailyLimit)}`} · this month ${creativeUnits(budget.spentThisMonth)}${budget.monthlyLimit === null ? '' : ` of ${creativeUnits(budget.monthlyLimit)}`}`}
      </p>
      {liveJobs.length === 0 && <p className="muted">Nothing in flight. New control images in a watched folder appear here.</p>}
      {activeJobs.length > 0 && (
        <QueueSection title="Active" count={activeJobs.length}>
          <ul className="queue-list" aria-label="Active jobs">
            {activeJobs.map((job) => <QueueRow key={job.generationId} job={job} waiting={null} />)}
          </ul>
        </QueueSection>
      )}
      {waitingJobs.length > 0 && (
        <QueueSection title="Waiting" count={waitingJobs.length}>
          <ul className="queue-list" aria-label="Waiting jobs">
            {waitingJobs.map((job) => <QueueRow key={job.generationId} job={job} waiting={waitingOf(job, status)} />)}
          </ul>
        </QueueSection>
      )}
      {recentError && <p className="inline-error" role="alert">{recentError}</p>}
      {failedJobs.length + failedEarlier.length > 0 && (
        <QueueSection title="Failed" count={failedJobs.length + failedEarlier.length}>
          <ul className="queue-list" aria-label="Failed generations">
            {failedJobs.map((job) => <QueueRow key={job.generationId} job={job} waiting={null} />)}
            {failedEarlier.map((generation) => <FailedRow key={generation.id} generation={generation} />)}
          </ul>
        </QueueSection>
      )}
      {recent && recent.finishedToday.length > 0 && (
        <QueueSection title="Finished today" count={recent.finishedToday.length}>
          <ul className="finished-strip" aria-label="Finished today">
            {recent.finishedToday.map((generation) => (
              <li key={generation.id}>
                <GenerationThumb generation={generation} relPath={generation.cover?.thumbRelPath ?? generation.cover?.relPath ?? null} />
              </li>
            ))}
          </ul>
        </QueueSection>
      )}
      <NoticeList />
    </section>
  );
}

function QueueSection({ title, count, children }: { title: string; count: number; children: React.ReactNode }) {
  return (
    <section className="queue-section" aria-label={title}>
      <h2>
        {title} <span className="muted">{count}</span>
      </h2>
      {children}
    </section>
  );
}

/** A failed generation: its control image, the engine's full reason, and Retry. */
function FailedRow({ generation }: { generation: GenerationSummary }) {
  const retry = useQueue((state) => state.retry);
  return (
    <li className="queue-row state-failed" data-testid="failed-row" data-generation-id={generation.id} aria-label={`${generation.inputName} with ${generation.presetName}, failed`}>
      <GenerationThumb generation={generation} relPath={generation.control?.relPath ?? null} />
      <div className="queue-row-body">
        <div className="queue-main">
          <span className="queue-name">{generation.inputName}</span>
          <span className="muted">{generation.presetName}</span>
          <span className="muted">{dateTime(generation.createdAt)}</span>
        </div>
        <p className="inline-error" data-testid="failure-reason">{generation.error?.userMessage ?? 'No reason was recorded for this failure.'}</p>
      </div>
      <button type="button" className="button small" onClick={() => void retry(generation.id)}>Retry</button>
    </li>
  );
}
