/** Longer queries are cut: each term is one more index lookup, and nobody types twelve. */
const MAX_TERMS = 12;
const HAS_WORD_CHARACTER = /[\p{L}\p{N}]/u;

/**
 * Turns what a person typed into a safe FTS5 MATCH expression, or null when nothing is
 * searchable. Every term becomes a quoted string, so FTS5 operators and punctuation in the text
 * (AND, NOT, -, *, :, ", parentheses) are plain words and can never make the query fail.
 * Terms are ANDed; the last one matches as a prefix while the person is still typing it.
 */
export function toMatchExpression(text: string): string | null {
  const terms = text
    .split(/\s+/)
    .filter((term) => HAS_WORD_CHARACTER.test(term))
    .slice(0, MAX_TERMS);
  if (terms.length === 0) return null;
  const stillTyping = !/\s$/.test(text);
  return terms
    .map((term, index) => `"${term.replaceAll('"', '""')}"${stillTyping && index === terms.length - 1 ? '*' : ''}`)
    .join(' ');
}
