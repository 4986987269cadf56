const RADIUS = 15;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/**
 * A job's progress as a ring: filled to `progress` (0 to 1) while Scenario reports it, turning
 * (indeterminate) while the engine works without a figure.
 */
export function ProgressRing({ progress, label, size = 36 }: { progress: number | null; label: string; size?: number }) {
  const percent = progress === null ? null : Math.round(progress * 100);
  return (
    <svg
      className={`progress-ring${percent === null ? ' indeterminate' : ''}`}
      width={size}
      height={size}
      viewBox="0 0 36 36"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
    >
      <circle className="progress-ring-track" cx="18" cy="18" r={RADIUS} />
      <circle
        className="progress-ring-fill"
        cx="18"
        cy="18"
        r={RADIUS}
        strokeDasharray={CIRCUMFERENCE}
        strokeDashoffset={CIRCUMFERENCE * (1 - (percent === null ? 0.25 : percent / 100))}
      />
    </svg>
  );
}
