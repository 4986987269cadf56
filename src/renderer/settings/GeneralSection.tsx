import { useState } from 'react';
import type { Settings } from '../../shared/ipc/contract';
import { useSettings } from '../stores';

/** Library location, concurrency and budgets; saved together. */
export function GeneralSection() {
  const { settings, update } = useSettings((state) => ({ settings: state.settings, update: state.update }));
  if (!settings) return null;
  return <GeneralForm key={JSON.stringify(settings)} settings={settings} onSave={update} />;
}

function GeneralForm({ settings, onSave }: { settings: Settings; onSave: (patch: Partial<Settings>) => Promise<boolean> }) {
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
      <input id="concurrency" type="number" min={1} max={16} value={concurrency} onChange={(event) => setConcurrency(event.target.value)} aria-invalid={!concurrencyOk} />
      {!concurrencyOk && <p className="field-error" data-testid="field-error-concurrency">Use a whole number from 1 to 16.</p>}
      <label htmlFor="daily-budget">Daily budget (creative units)</label>
      <input id="daily-budget" type="number" min={0} placeholder="No limit" value={daily} onChange={(event) => setDaily(event.target.value)} />
      <label htmlFor="monthly-budget">Monthly budget (creative units)</label>
      <input id="monthly-budget" type="number" min={0} placeholder="No limit" value={monthly} onChange={(event) => setMonthly(event.target.value)} />
      {!(budgetOk(daily) && budgetOk(monthly)) && <p className="field-error" data-testid="field-error-budget">A budget is a number of creative units, 0 or more; leave it empty for no limit.</p>}
      <button type="submit" className="button primary" disabled={!concurrencyOk || !budgetOk(daily) || !budgetOk(monthly) || !libraryLocation.trim()}>Save</button>
    </form>
  );
}
