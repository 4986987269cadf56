/**
 * A declared state machine (a table of states, each with the effect entering it starts and the
 * events that move it on) drawn as a Mermaid state diagram, and kept in a Markdown document
 * between two markers: docs/ARCHITECTURE.md holds the pipeline's machines this way, and a test
 * fails when a table changed without `npm run diagram`.
 */

export interface DeclaredMachine {
  readonly [state: string]: { readonly effect: string | null; readonly on: Readonly<Partial<Record<string, string>>> };
}

export interface DrawnMachine {
  machine: DeclaredMachine;
  /** Where a new row starts. */
  initial: string;
  /** The states a row may stay in for good. */
  terminals: readonly string[];
  /** The markers around the diagram in the document. */
  start: string;
  end: string;
}

export function stateDiagram({ machine, initial, terminals }: DrawnMachine): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${id(initial)}`];
  for (const [from, spec] of Object.entries(machine)) {
    const byTarget = new Map<string, string[]>();
    for (const [event, to] of Object.entries(spec.on)) if (to !== undefined) byTarget.set(to, [...(byTarget.get(to) ?? []), event]);
    for (const [to, events] of byTarget) lines.push(`  ${id(from)} --> ${id(to)}: ${events.join(', ')}`);
    if (spec.effect !== null) lines.push(`  ${id(from)}: ${from} / ${spec.effect}`);
  }
  for (const terminal of terminals) lines.push(`  ${id(terminal)} --> [*]`);
  return lines.join('\n');
}

/** The diagram as it stands in a Markdown document, between its markers. */
export function diagramSection(drawn: DrawnMachine): string {
  return `${drawn.start}\n\`\`\`mermaid\n${stateDiagram(drawn)}\n\`\`\`\n${drawn.end}`;
}

/** `document` with the diagram's section replaced by the current one (appended when it has none). */
export function replaceDiagramSection(document: string, drawn: DrawnMachine): string {
  const start = document.indexOf(drawn.start);
  const end = document.indexOf(drawn.end);
  if (start < 0 || end < start) return `${document.trimEnd()}\n\n${diagramSection(drawn)}\n`;
  return document.slice(0, start) + diagramSection(drawn) + document.slice(end + drawn.end.length);
}

/** Mermaid ids may not contain '-'. */
function id(state: string): string {
  return state.replace(/-/g, '_');
}
