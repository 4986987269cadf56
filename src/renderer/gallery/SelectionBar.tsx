import { useId, useMemo } from 'react';
import { TagInput } from '../common/TagInput';
import { useGallery } from '../stores';

/** Actions on every selected generation at once; it floats over the grid, so a selection moves no tile. */
export function SelectionBar() {
  const { selectedIds, setFavourite, setRating, addTags, trash, exportSelection, openCompare, selectNone, knownTags } = useGallery((state) => ({
    // The set itself, not a copy: a new array on every read would never compare equal and re-render forever.
    selectedIds: state.selectedIds,
    setFavourite: state.setFavourite,
    setRating: state.setRating,
    addTags: state.addTags,
    trash: state.trash,
    exportSelection: state.exportSelection,
    openCompare: state.openCompare,
    selectNone: state.selectNone,
    knownTags: state.facets?.tags,
  }));
  const ids = useMemo(() => [...selectedIds], [selectedIds]);
  const suggestions = useMemo(() => (knownTags ?? []).map((tag) => tag.value), [knownTags]);
  const ratingId = useId();
  if (ids.length === 0) return null;

  return (
    <div className="selection-bar" role="toolbar" aria-label="Selection actions">
      <strong>{ids.length} selected</strong>
      <button type="button" className="button" onClick={() => void setFavourite(ids, true)}>♥ Favourite</button>
      <button type="button" className="button" onClick={() => void setFavourite(ids, false)}>♡ Unfavourite</button>
      <label htmlFor={ratingId}>Rate</label>
      <select id={ratingId} value="" onChange={(event) => void setRating(ids, Number(event.target.value))} title="Or press 0–5 in the grid">
        <option value="" disabled>—</option>
        {[0, 1, 2, 3, 4, 5].map((rating) => (
          <option key={rating} value={rating}>{rating === 0 ? 'No rating' : '★'.repeat(rating)}</option>
        ))}
      </select>
      <TagInput suggestions={suggestions} onAdd={(tags) => addTags(ids, tags)} />
      {ids.length === 2 && (
        <button type="button" className="button" onClick={() => openCompare(ids[0] ?? '', ids[1] ?? null)}>Compare</button>
      )}
      <button type="button" className="button" onClick={() => void exportSelection(ids)}>Export…</button>
      <button type="button" className="button danger" onClick={() => void trash(ids)}>Move to trash</button>
      <button type="button" className="button ghost" onClick={selectNone}>Clear selection</button>
    </div>
  );
}
