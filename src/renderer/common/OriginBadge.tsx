import type { GenerationOrigin } from '../../shared/ipc/contract';

const ORIGIN_WORDS: Readonly<Record<GenerationOrigin, { short: string; long: string }>> = {
  'another-machine': { short: 'Another machine', long: 'Imported from Scenario: made on another machine' },
  'web-app-or-plugin': { short: 'Web app / plugin', long: "Imported from Scenario: made in Scenario's web app or a plugin" },
};

/**
 * Marks a generation imported from the team's Scenario history: where it was made, and by whom.
 * On a tile it is a small mark (the art stays clear at rest) naming the author; the title says the rest.
 */
export function OriginBadge({ origin, author, compact = false }: { origin: GenerationOrigin | null; author: string | null; compact?: boolean }) {
  if (origin === null) return null;
  const words = ORIGIN_WORDS[origin];
  const title = `${words.long}${author === null ? '' : ` by ${author}`}`;
  if (compact) return <span className="mark origin" data-testid="origin-badge" title={title}>{author ?? words.short}</span>;
  return (
    <span className="badge origin" data-testid="origin-badge" title={title}>
      {words.short}
      {author === null ? '' : ` · ${author}`}
    </span>
  );
}
