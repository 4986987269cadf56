import { useAppStore } from '../stores';

/**
 * Marks results made by the built-in simulator, so nobody mistakes them for Scenario's.
 * The contract says only whether the engine runs on the simulator now (app.info), not per
 * generation, so every result is labelled while the simulator is on.
 */
export function SimulatedBadge() {
  const simulated = useAppStore((state) => state.info?.usingSimulator ?? false);
  if (!simulated) return null;
  return (
    <span className="badge simulated" title="Made by the built-in simulator, not by Scenario">
      Simulated
    </span>
  );
}
