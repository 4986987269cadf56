import { useEffect } from 'react';
import type { BudgetStatus, Settings } from '../../shared/ipc/contract';
import { creativeUnits } from '../common/format';
import { useQueue, useSettings } from '../stores';
import type { SaveFailure } from '../stores/settingsStore';
import { Problem, SaveBar, problemProps, useSaveModel } from './saveModel';

const BUDGET_PROBLEM = 'A budget is a number of creative units, 0 or more; leave it empty for no limit.';
/** The engine's refusals that concern one field of this section. */
const FIELD_OF_CODE = { 'settings.library-location': 'library-location' };

/** Library location, concurrency, budgets and the team sync's images; saved together. */
export function GeneralSection() {
  const { settings, update } = useSettings((state) => ({ settings: state.settings, update: state.update }));
  // What is spent is the queue's: read once here when no screen has asked yet.
  const { spent, loadQueue, queueKnown } = useQueue((state) => ({ spent: state.status?.budget ?? null, loadQueue: state.load, queueKnown: state.status !== null }));
  useEffect(() => {
    if (!queueKnown) void loadQueue();
  }, [queueKnown, loadQueue]);
  if (!settings) return null;
  return <GeneralForm settings={settings} spent={spent} onSave={update} />;
}

/** "Spent today: 24 CU of 100 CU": what the budget field limits, beside it. */
function spentLine(spent: number, limit: number | null, period: 'today' | 'this month'): string {
  return `Spent ${period}: ${creativeUnits(spent)}${limit === null ? ' (no limit)' : ` of ${creativeUnits(limit)}`}`;
}

const asText = (budget: number | null) => (budget === null ? '' : String(budget));

function GeneralForm({ settings, spent, onSave }: { settings: Settings; spent: BudgetStatus | null; onSave: (patch: Partial<Settings>) => Promise<SaveFailure | null> }) {
  const model = useSaveModel(
    { libraryLocation: settings.libraryLocation, concurrency: String(settings.concurrency), daily: asText(settings.dailyBudget), monthly: asText(settings.monthlyBudget), fullImages: settings.syncFullImages ?? 'on-demand' },
    FIELD_OF_CODE,
  );
  const { draft } = model;
  const budget = (text: string) => (text.trim() === '' ? null : Number(text));
  const concurrencyValue = Number(draft.concurrency);
  const budgetOk = (text: string) => text.trim() === '' || (Number.isFinite(Number(text)) && Number(text) >= 0);
  const problems = {
    'library-location': draft.libraryLocation.trim() ? model.engineProblem('library-location') : 'Enter the folder of the library.',
    concurrency: Number.isInteger(concurrencyValue) && concurrencyValue >= 1 && concurrencyValue <= 16 ? undefined : 'Use a whole number from 1 to 16.',
    'daily-budget': budgetOk(draft.daily) ? undefined : BUDGET_PROBLEM,
    'monthly-budget': budgetOk(draft.monthly) ? undefined : BUDGET_PROBLEM,
  };
  const canSave = Object.values(problems).every((problem) => problem === undefined);

  return (
    <form
      className="card form-grid"
      aria-labelledby="general-title"
      onSubmit={(event) => {
        event.preventDefault();
        void model.save(() =>
          onSave({
            libraryLocation: draft.libraryLocation.trim(),
            concurrency: concurrencyValue,
            dailyBudget: budget(draft.daily),
            monthlyBudget: budget(draft.monthly),
            // Sent when changed only: the team sync's setting is not part of every save.
            ...(draft.fullImages === (settings.syncFullImages ?? 'on-demand') ? {} : { syncFullImages: draft.fullImages }),
          }),
        );
      }}
    >
      <h2 id="general-title">Library and spending</h2>
      <label htmlFor="library-location">Library location</label>
      <div className="field">
        <input {...problemProps('library-location', problems['library-location'])} value={draft.libraryLocation} onChange={(event) => model.change({ libraryLocation: event.target.value })} />
        <Problem id="library-location" problem={problems['library-location']} />
      </div>
      <label htmlFor="concurrency">Jobs at once</label>
      <div className="field">
        <input {...problemProps('concurrency', problems.concurrency)} type="number" min={1} max={16} value={draft.concurrency} onChange={(event) => model.change({ concurrency: event.target.value })} />
        <Problem id="concurrency" problem={problems.concurrency} />
      </div>
      <BudgetField
        id="daily-budget"
        label="Daily budget (creative units)"
        value={draft.daily}
        problem={problems['daily-budget']}
        spent={spent ? spentLine(spent.spentToday, settings.dailyBudget, 'today') : ''}
        spentTestId="spent-today"
        onChange={(daily) => model.change({ daily })}
      />
      <BudgetField
        id="monthly-budget"
        label="Monthly budget (creative units)"
        value={draft.monthly}
        problem={problems['monthly-budget']}
        spent={spent ? spentLine(spent.spentThisMonth, settings.monthlyBudget, 'this month') : ''}
        spentTestId="spent-this-month"
        onChange={(monthly) => model.change({ monthly })}
      />
      <label htmlFor="sync-full-images">Team&apos;s images</label>
      <div className="field">
        <select id="sync-full-images" aria-describedby="sync-full-images-hint" value={draft.fullImages} onChange={(event) => model.change({ fullImages: event.target.value === 'always' ? 'always' : 'on-demand' })}>
          <option value="on-demand">Thumbnails first, full images when opened</option>
          <option value="always">Full images with every sync</option>
        </select>
        <p className="hint" id="sync-full-images-hint">
          For generations brought in from your team in Scenario.
        </p>
      </div>
      <SaveBar model={model} canSave={canSave} />
    </form>
  );
}

/** A budget's field, with what is spent against it beside it while the value is valid. */
function BudgetField(props: { id: string; label: string; value: string; problem: string | undefined; spent: string; spentTestId: string; onChange: (value: string) => void }) {
  const { id, problem } = props;
  return (
    <>
      <label htmlFor={id}>{props.label}</label>
      <div className="field">
        <input {...problemProps(id, problem, `${id}-spent`)} type="number" min={0} placeholder="No limit" value={props.value} onChange={(event) => props.onChange(event.target.value)} />
        <Problem id={id} problem={problem} />
        {!problem && (
          <p className="hint" id={`${id}-spent`} data-testid={props.spentTestId}>
            {props.spent}
          </p>
        )}
      </div>
    </>
  );
}
