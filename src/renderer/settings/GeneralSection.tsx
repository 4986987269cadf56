import { useEffect, useState } from 'react';
import type { BudgetStatus, Settings } from '../../shared/ipc/contract';
import { creativeUnits } from '../common/format';
import { useQueue, useSettings } from '../stores';

const BUDGET_PROBLEM = 'A budget is a number of creative units, 0 or more; leave it empty for no limit.';

/** Library location, concurrency and budgets; saved together. */
export function GeneralSection() {
  const { settings, update } = useSettings((state) => ({ settings: state.settings, update: state.update }));
  // What is spent is the queue's: read once here when no screen has asked yet.
  const { spent, loadQueue, queueKnown } = useQueue((state) => ({ spent: state.status?.budget ?? null, loadQueue: state.load, queueKnown: state.status !== null }));
  useEffect(() => {
    if (!queueKnown) void loadQueue();
  }, [queueKnown, loadQueue]);
  if (!settings) return null;
  return <GeneralForm key={JSON.stringify(settings)} settings={settings} spent={spent} onSave={update} />;
}

/** "Spent today: 24 CU of 100 CU": what the budget field limits, beside it. */
function spentLine(spent: number, limit: number | null, period: 'today' | 'this month'): string {
  return `Spent ${period}: ${creativeUnits(spent)}${limit === null ? ' (no limit)' : ` of ${creativeUnits(limit)}`}`;
}

function GeneralForm({ settings, spent, onSave }: { settings: Settings; spent: BudgetStatus | null; onSave: (patch: Partial<Settings>) => Promise<boolean> }) {
  const [libraryLocation, setLibraryLocation] = useState(settings.libraryLocation);
  const [concurrency, setConcurrency] = useState(String(settings.concurrency));
  const [daily, setDaily] = useState(settings.dailyBudget === null ? '' : String(settings.dailyBudget));
  const [monthly, setMonthly] = useState(settings.monthlyBudget === null ? '' : String(settings.monthlyBudget));
  const budget = (text: string) => (text.trim() === '' ? null : Number(text));
  const concurrencyValue = Number(concurrency);
  const concurrencyOk = Number.isInteger(concurrencyValue) && concurrencyValue >= 1 && concurrencyValue <= 16;
  const budgetOk = (text: string) => text.trim() === '' || (Number.isFinite(Number(text)) && Number(text) >= 0);

  return (
    <form
      className="card form-grid"
      aria-labelledby="general-title"
      onSubmit={(event) => {
        event.preventDefault();
        void onSave({ libraryLocation: libraryLocation.trim(), concurrency: concurrencyValue, dailyBudget: budget(daily), monthlyBudget: budget(monthly) });
      }}
    >
      <h2 id="general-title">Library and spending</h2>
      <label htmlFor="library-location">Library location</label>
      <input id="library-location" value={libraryLocation} onChange={(event) => setLibraryLocation(event.target.value)} />
      <label htmlFor="concurrency">Jobs at once</label>
      <div className="field">
        <input id="concurrency" type="number" min={1} max={16} value={concurrency} onChange={(event) => setConcurrency(event.target.value)} aria-invalid={!concurrencyOk} aria-describedby={concurrencyOk ? undefined : 'concurrency-error'} />
        {!concurrencyOk && <p className="field-error" id="concurrency-error" data-testid="field-error-concurrency">Use a whole number from 1 to 16.</p>}
      </div>
      <label htmlFor="daily-budget">Daily budget (creative units)</label>
      <div className="field">
        <input id="daily-budget" type="number" min={0} placeholder="No limit" value={daily} onChange={(event) => setDaily(event.target.value)} aria-invalid={!budgetOk(daily)} aria-describedby="daily-budget-note" />
        <p className={budgetOk(daily) ? 'hint' : 'field-error'} id="daily-budget-note" data-testid={budgetOk(daily) ? 'spent-today' : 'field-error-daily-budget'}>
          {budgetOk(daily) ? (spent ? spentLine(spent.spentToday, settings.dailyBudget, 'today') : '') : BUDGET_PROBLEM}
        </p>
      </div>
      <label htmlFor="monthly-budget">Monthly budget (creative units)</label>
      <div className="field">
        <input id="monthly-budget" type="number" min={0} placeholder="No limit" value={monthly} onChange={(event) => setMonthly(event.target.value)} aria-invalid={!budgetOk(monthly)} aria-describedby="monthly-budget-note" />
        <p className={budgetOk(monthly) ? 'hint' : 'field-error'} id="monthly-budget-note" data-testid={budgetOk(monthly) ? 'spent-this-month' : 'field-error-monthly-budget'}>
          {budgetOk(monthly) ? (spent ? spentLine(spent.spentThisMonth, settings.monthlyBudget, 'this month') : '') : BUDGET_PROBLEM}
        </p>
      </div>
      <button type="submit" className="button primary" disabled={!concurrencyOk || !budgetOk(daily) || !budgetOk(monthly) || !libraryLocation.trim()}>Save</button>
    </form>
  );
}
