import { useAppStore, useQueue } from '../stores';
import type { WaitingReason } from '../../shared/ipc/contract';
import { WAITING_TITLES, waitingText } from './waitingWords';

/** Holds the person fixes in Settings (a key, a budget): the banner leads there. */
const FIXED_IN_SETTINGS: ReadonlySet<WaitingReason> = new Set(['credentials', 'budget']);

/**
 * The queue-wide hold (a refused key, no network, the budget...), on every screen but the Queue's,
 * which says it in its own header: a person in the gallery learns why nothing arrives.
 */
export function HoldBanner() {
  const waiting = useQueue((state) => state.status?.waiting ?? null);
  const { screen, show } = useAppStore((state) => ({ screen: state.screen, show: state.show }));
  if (waiting === null || screen === 'queue') return null;
  return (
    <div className="banner hold-banner" role="status" data-testid="hold-banner" data-reason={waiting.reason}>
      <strong>{WAITING_TITLES[waiting.reason]}</strong> {waitingText(waiting)}{' '}
      {FIXED_IN_SETTINGS.has(waiting.reason) && screen !== 'settings' ? (
        <button type="button" className="button" onClick={() => show('settings')}>Open Settings</button>
      ) : (
        <button type="button" className="button" onClick={() => show('queue')}>Open Queue</button>
      )}
    </div>
  );
}
