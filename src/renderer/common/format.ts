import type { GenerationState } from '../../shared/ipc/contract';

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A day header: "Today", "Yesterday", or the full date. `day` is a local YYYY-MM-DD. */
export function dayLabel(day: string, now = new Date()): string {
  const [year, month, date] = day.split('-').map(Number);
  if (!year || !month || !date) return 'Unknown date';
  const target = new Date(year, month - 1, date);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const days = Math.round((today.getTime() - target.getTime()) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return dayFormat.format(target);
}

/** "1 result", "2 results", "1,204 results": a count with its noun in the right number. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? singular : plural}`;
}

export function dateTime(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : timeFormat.format(date);
}

export function duration(fromIso: string, toIso: string | null): string {
  if (!toIso) return '—';
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '—';
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function creativeUnits(value: number | null): string {
  return value === null ? '—' : `${value.toLocaleString(undefined, { maximumFractionDigits: 2 })} CU`;
}

const STATE_LABELS: Record<GenerationState, string> = {
  detected: 'Detected',
  validated: 'Ready',
  uploaded: 'Uploaded',
  submitting: 'Sending',
  submitted: 'Generating',
  downloading: 'Downloading',
  done: 'Done',
  failed: 'Failed',
  canceled: 'Cancelled',
  'outcome-unknown': 'Checking with Scenario',
};

export function stateLabel(state: GenerationState): string {
  return STATE_LABELS[state];
}

export function isFinished(state: GenerationState): boolean {
  return state === 'done' || state === 'failed' || state === 'canceled';
}
