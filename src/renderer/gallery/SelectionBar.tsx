import { useId, useMemo, useState } from 'react';
import { useGallery } from '../stores';

/** Actions on every selected generation at once. */
export function SelectionBar() {
  const { selectedIds, setFavourite, setRating, addTag, trash, exportSelection, openCompare, selectNone } = useGallery((state) => ({
    // The set itself, not a copy: a new array on every read would never compare equal and re-render forever.
    selectedIds: state.selectedIds,
    setFavourite: state.setFavourite,
    setRating: state.setRating,
    addTag: state.addTag,
    trash: state.trash,
    exportSelection: state.exportSelection,
    openCompare: state.openCompare,
    selectNone: state.selectNone,
  }));
  const ids = useMemo(() => [...selectedIds], [selectedIds]);
  const [tag, setTag] = useState('');
  const tagId = useId();
  const ratingId = useId();
  if (ids.length === 0) return null;

  return (
    <div className="selection-bar" role="toolbar" aria-label="Selection actions">
      <strong>{ids.length} selected</strong>
      <button type="button" className="button" onClick={() => void setFavourite(ids, true)}>★ Favourite</button>
      <button type="button" className="button" onClick={() => void setFavourite(ids, false)}>☆ Unfavourite</button>
      <label htmlFor={ratingId}>Rate</label>
      <select id={ratingId} value="" onChange={(event) => void setRating(ids, Number(event.target.value))}>
        <option value="" disabled>—</option>
        {[0, 1, 2, 3, 4, 5].map((rating) => (
          <option key={rating} value={rating}>{rating === 0 ? 'No rating' : '●'.repeat(rating)}</option>
        ))}
      </select>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void addTag(ids, tag).then(() => setTag(''));
        }}
      >
        <label htmlFor={tagId}>Tag</label>
        <input id={tagId} value={tag} onChange={(event) => setTag(event.target.value)} placeholder="hero, keep…" maxLength={100} />
        <button type="submit" className="button" disabled={!tag.trim()}>Add tag</button>
      </form>
      {ids.length === 2 && (
        <button type="button" className="button" onClick={() => openCompare(ids[0] ?? '', ids[1] ?? null)}>Compare</button>
      )}
      <button type="button" className="button" onClick={() => void exportSelection(ids)}>Export…</button>
      <button type="button" className="button danger" onClick={() => void trash(ids)}>Move to trash</button>
      <button type="button" className="button ghost" onClick={selectNone}>Clear selection</button>
    </div>
  );
}
