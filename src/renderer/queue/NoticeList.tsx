import { useEffect } from 'react';
import { dateTime } from '../common/format';
import { useQueue } from '../stores';

/** Files the engine did not take (and why) and its warnings: what never became a queue row. */
export function NoticeList() {
  const { notices, markNoticesSeen, clearNotices } = useQueue((state) => ({
    notices: state.notices,
    markNoticesSeen: state.markNoticesSeen,
    clearNotices: state.clearNotices,
  }));
  // Shown is seen: the sidebar's count goes, and new notices stop toasting while the list is open.
  useEffect(() => markNoticesSeen(), [markNoticesSeen, notices]);

  if (notices.length === 0) return null;
  return (
    <section className="notices" aria-label="Files not taken and warnings">
      <header className="notices-header">
        <h2>Files not taken and warnings</h2>
        <button type="button" className="button small" onClick={() => void clearNotices()}>Clear</button>
      </header>
      <ul className="notice-list">
        {notices.map((notice) => (
          <li key={notice.id} className={`notice ${notice.kind}`} data-testid="notice" data-kind={notice.kind} data-reason={notice.reason ?? undefined}>
            <span className="muted">{dateTime(notice.at)}</span>{' '}
            {/* Engine messages name their file; an unexpected failure's may not. */}
            {notice.path !== null && !notice.message.includes(notice.path) && <strong>{`${notice.path}: `}</strong>}
            {notice.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
