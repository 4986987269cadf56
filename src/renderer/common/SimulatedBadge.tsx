/** Marks results made by the built-in simulator, so nobody mistakes them for Scenario's. */
export function SimulatedBadge({ simulated }: { simulated: boolean }) {
  if (!simulated) return null;
  return (
    <span className="badge simulated" title="Made by the built-in simulator, not by Scenario">
      Simulated
    </span>
  );
}
