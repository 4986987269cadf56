import type { GenerationOrigin } from '../../shared/ipc/contract';

const ORIGIN_WORDS: Readonly<Record<GenerationOrigin, { short: string; long: string }>> = {
  'another-machine': { short: 'Another machine', long: 'Imported from Scenario: made on another machine' },
  'web-app-or-plugin': { short: 'Web app / plugin', long: "Imported from Scenario: made in Scenario's web app or a plugin" },
};

/** Marks a generation imported from the team's Scenario history: where it was made, and by whom. */
export function OriginBadge({ origin, author }: { origin: GenerationOrigin | null; author: string | null }) {
  if (origin === null) return null;
  const words = ORIGIN_WORDS[origin];
  const by = author === null ? '' : ` · ${author}`;
  return (
    <span className="badge origin" data-testid="origin-badge" title={`${words.long}${author === null ? '' : ` by ${author}`}`}>
      {words.short}
      {by}
    </span>
  );
}
