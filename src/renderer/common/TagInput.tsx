import { useId, useState } from 'react';

/** "hero, keep ,,castle" → ["hero", "keep", "castle"]: a person types several tags at once. */
export function splitTags(text: string): string[] {
  const seen = new Set<string>();
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '' && !seen.has(tag.toLowerCase()) && seen.add(tag.toLowerCase()));
}

/**
 * Adds tags: commas split what is typed into several, and the tags already in the library are
 * offered as the person types (the browser's own list, so it is keyboard and screen-reader ready).
 */
export function TagInput({ suggestions, onAdd, label = 'Tag' }: { suggestions: readonly string[]; onAdd: (tags: string[]) => Promise<void> | void; label?: string }) {
  const [text, setText] = useState('');
  const inputId = useId();
  const listId = useId();
  const tags = splitTags(text);
  return (
    <form
      className="inline-form tag-input"
      onSubmit={(event) => {
        event.preventDefault();
        if (tags.length === 0) return;
        void Promise.resolve(onAdd(tags)).then(() => setText(''));
      }}
    >
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} list={listId} value={text} onChange={(event) => setText(event.target.value)} placeholder="hero, keep…" maxLength={500} autoComplete="off" />
      <datalist id={listId}>
        {suggestions.map((tag) => (
          <option key={tag} value={tag} />
        ))}
      </datalist>
      <button type="submit" className="button" disabled={tags.length === 0}>{tags.length > 1 ? `Add ${tags.length} tags` : 'Add tag'}</button>
    </form>
  );
}
