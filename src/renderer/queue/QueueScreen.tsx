import { useEffect } from 'react';
import { creativeUnits } from '../common/format';
import { useQueue } from '../stores';
import { NoticeList } from './NoticeList';
import { QueueRow } from './QueueRow';
import { WAITING_TITLES, queueCounts, waitingOf, waitingText } from './waitingWords';

export function QueueScreen() {
  const { status, load, pauseAll, resumeAll } = useQueue((state) => ({
    status: state.status,
    load: state.load,
    pauseAll: state.pauseAll,
    resumeAll: state.resumeAll,
  }));
  useEffect(() => {
    void load();
  }, [load]);

  if (!status) return <section className="screen-body" aria-label="Queue"><p className="muted">Loading the queue…</p></section>;
  const { budget } = status;
  const counts = queueCounts(status);
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
      {status.jobs.length === 0 ? (
        <p className="muted">Nothing in flight. New control images in a watched folder appear here.</p>
      ) : (
        <ul className="queue-list" aria-label="Jobs">
          {status.jobs.map((job) => <QueueRow key={job.generationId} job={job} waiting={waitingOf(job, status)} />)}
        </ul>
      )}
      <NoticeList />
    </section>
  );
}
