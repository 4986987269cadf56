/** Longer queries are cut: each term is one more index lookup, and nobody types twelve. */
const MAX_TERMS = 12;
const WORD_CHARACTER = /[\p{L}\p{N}]/gu;

const wordCharacters = (term: string) => term.match(WORD_CHARACTER)?.length ?? 0;

/**
 * Turns what a person typed into a safe FTS5 MATCH expression, or null when nothing is
 * searchable. Every term becomes a quoted string, so FTS5 operators and punctuation in the text
 * (AND, NOT, -, *, :, ", parentheses) are plain words and can never make the query fail.
 * Terms are ANDed; the last one matches as a prefix while the person is still typing it, from
 * its second letter. One letter stays a whole word: as a prefix it matches nearly every
 * generation and has no prefix index, so the engine walked every match (hundreds of
 * milliseconds for the page, a second for its counts at 1,000,000 generations) to narrow nothing.
 */
export function toMatchExpression(text: string): string | null {
  const terms = text
    .split(/\s+/)
    .filter((term) => wordCharacters(term) > 0)
    .slice(0, MAX_TERMS);
  if (terms.length === 0) return null;
  const last = terms.length - 1;
  const lastIsPrefix = !/\s$/.test(text) && wordCharacters(terms[last]!) > 1;
  return terms.map((term, index) => `"${term.replaceAll('"', '""')}"${lastIsPrefix && index === last ? '*' : ''}`).join(' ');
}
