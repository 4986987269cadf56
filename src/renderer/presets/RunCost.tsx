import { useEffect, useState } from 'react';
import type { AnyPreset, CostEstimate } from '../../shared/ipc/contract';
import { canonicalJson } from '../../shared/preset';
import { userMessageOf } from '../common/errors';
import { creativeUnits } from '../common/format';
import { useDebounced } from '../common/useDebounced';
import { useApi } from '../stores';

/** Edits wait this long before asking the engine what a run would cost. */
const COST_DEBOUNCE_MS = 400;

export type RunCost =
  | { status: 'invalid' }
  | { status: 'estimating' }
  | { status: 'failed'; message: string }
  | { status: 'known'; estimate: CostEstimate };

/**
 * What one run of `preset` costs (the engine's dry run), once the edits have paused. `priceKey`
 * is what the price depends on (the whole preset unless given): only a change of it asks again,
 * so edits that cannot change the price cost no call. A null preset is one that does not validate.
 */
export function useRunCost(preset: AnyPreset | null, priceKey: string | null = preset === null ? null : canonicalJson(preset)): RunCost {
  const api = useApi();
  const settledKey = useDebounced(priceKey, COST_DEBOUNCE_MS);
  const [answer, setAnswer] = useState<{ for: string; estimate: CostEstimate | null; error: string | null } | null>(null);
  useEffect(() => {
    if (settledKey === null || preset === null) return;
    let current = true;
    api.presets
      .dryRunCost({ preset })
      .then((estimate) => current && setAnswer({ for: settledKey, estimate, error: null }))
      .catch((failure: unknown) => current && setAnswer({ for: settledKey, estimate: null, error: userMessageOf(failure) }));
    return () => {
      current = false;
    };
    // Only a change of what the price depends on asks again (the preset is read, not watched).
  }, [api, settledKey]);

  if (preset === null || priceKey === null) return { status: 'invalid' };
  if (answer?.for !== priceKey) return { status: 'estimating' };
  if (answer.error !== null || answer.estimate === null) return { status: 'failed', message: answer.error ?? 'The cost could not be estimated.' };
  return { status: 'known', estimate: answer.estimate };
}

/** The form's "Cost per run" line. */
export function CostPerRun({ preset, priceKey }: { preset: AnyPreset | null; priceKey?: string | null }) {
  const cost = useRunCost(preset, priceKey);
  let message: string;
  if (cost.status === 'invalid') message = 'Fix the fields above to see what a run costs.';
  else if (cost.status === 'estimating') message = 'Estimating the cost…';
  else if (cost.status === 'failed') message = cost.message;
  else {
    const { creativeUnitsCost, creativeUnitsDiscount } = cost.estimate;
    message = `${creativeUnits(creativeUnitsCost)} per run${creativeUnitsDiscount ? ` (discount ${creativeUnits(creativeUnitsDiscount)})` : ''}`;
  }
  return <p className="cost" role="status" aria-label="Cost per run">{message}</p>;
}
