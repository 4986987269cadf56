import { useId, type ReactNode } from 'react';
import type { GenerationFilters, GenerationState } from '../../shared/ipc/contract';
import { countOf, stateLabel } from '../common/format';
import { localDay } from '../stores/galleryItem';
import { useGallery } from '../stores';
import { isUnfiltered, TILE_HEIGHT } from '../stores/galleryStore';

type FacetName = 'presets' | 'models' | 'families' | 'modalities' | 'folders' | 'tags';
type TextFilter = 'presetId' | 'modelId' | 'family' | 'modality' | 'folderId' | 'tag';

/** Each single-choice filter, the facet that lists its values with counts, and its label. */
const FACET_FILTERS: { filter: TextFilter; facet: FacetName; label: string }[] = [
  { filter: 'presetId', facet: 'presets', label: 'Preset' },
  { filter: 'modelId', facet: 'models', label: 'Model' },
  { filter: 'family', facet: 'families', label: 'Family' },
  { filter: 'modality', facet: 'modalities', label: 'Modality' },
  { filter: 'folderId', facet: 'folders', label: 'Folder' },
  { filter: 'tag', facet: 'tags', label: 'Tag' },
];

export function FilterBar() {
  const { query, facets, setQuery, clearFilters, tileHeight, setTileHeight } = useGallery((state) => ({
    query: state.query,
    facets: state.facets,
    setQuery: state.setQuery,
    clearFilters: state.clearFilters,
    tileHeight: state.tileHeight,
    setTileHeight: state.setTileHeight,
  }));
  const filters = query.filters;
  const setFilter = (patch: Partial<GenerationFilters>) => void setQuery({ filters: { ...filters, ...patch } });

  return (
    <div className="filter-bar" role="search">
      <SearchBox value={query.search} onSearch={(search) => void setQuery({ search })} />
      {FACET_FILTERS.map(({ filter, facet, label }) => (
        <FacetSelect key={filter} label={label} value={filters[filter] ?? ''} onChange={(value) => setFilter({ [filter]: value || undefined })}>
          {facets?.[facet].map((entry) => (
            <option key={entry.value} value={entry.value}>{`${entry.label} (${entry.count})`}</option>
          ))}
        </FacetSelect>
      ))}
      <FacetSelect
        label="State"
        value={filters.states?.[0] ?? ''}
        onChange={(value) => setFilter({ states: value ? [value as GenerationState] : undefined })}
      >
        {facets?.states.map((entry) => (
          <option key={entry.value} value={entry.value}>{`${stateLabel(entry.value)} (${entry.count})`}</option>
        ))}
      </FacetSelect>
      <FacetSelect
        label="Min rating"
        value={filters.minRating ? String(filters.minRating) : ''}
        onChange={(value) => setFilter({ minRating: value ? Number(value) : undefined })}
      >
        {[1, 2, 3, 4, 5].map((rating) => (
          <option key={rating} value={rating}>{`${rating}+`}</option>
        ))}
      </FacetSelect>
      <DateInput label="From" value={filters.createdFrom} onChange={(createdFrom) => setFilter({ createdFrom })} edge="start" />
      <DateInput label="To" value={filters.createdBefore} onChange={(createdBefore) => setFilter({ createdBefore })} edge="end" />
      <label className="checkbox">
        <input
          type="checkbox"
          checked={filters.favourite === true}
          onChange={(event) => setFilter({ favourite: event.target.checked ? true : undefined })}
        />
        {`Favourites${facets ? ` (${facets.favourites})` : ''}`}
      </label>
      <span className="muted result-count" role="status" aria-label="Result count">
        {facets ? countOf(facets.total, 'result') : ''}
      </span>
      {!isUnfiltered(query) && (
        <button type="button" className="link-button" onClick={() => void clearFilters()}>
          Clear filters
        </button>
      )}
      <input
        type="range"
        className="size-slider"
        aria-label="Thumbnail size"
        min={TILE_HEIGHT.min}
        max={TILE_HEIGHT.max}
        step={10}
        value={tileHeight}
        onChange={(event) => setTileHeight(Number(event.target.value))}
      />
    </div>
  );
}

/**
 * Searches as the person types, with no debounce: results must show within 100 ms of the last
 * keystroke, and a debounce spends that budget waiting. A search costs the engine a few ms and
 * the window 25-50 ms from request to tiles; the store drops answers to superseded queries, so
 * searching mid-word is harmless, and the facet counts wait for the query to settle. The text is
 * the store's query (set in the same event), so Clear filters empties the box too.
 */
function SearchBox({ value, onSearch }: { value: string; onSearch: (search: string) => void }) {
  return (
    <input
      type="search"
      className="search"
      aria-label="Search history"
      placeholder="Search prompts, presets, models, tags, files…"
      value={value}
      onChange={(event) => onSearch(event.target.value)}
    />
  );
}

function FacetSelect({ label, value, onChange, children }: { label: string; value: string; onChange: (value: string) => void; children: ReactNode }) {
  const id = useId();
  return (
    <span className="facet">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">All</option>
        {children}
      </select>
    </span>
  );
}

/**
 * A calendar day turned into the filter's ISO time: "From" is that day's local midnight, "To"
 * (an exclusive bound) is the next day's, so the chosen day is included.
 */
function DateInput({ label, value, onChange, edge }: { label: string; value: string | undefined; onChange: (iso: string | undefined) => void; edge: 'start' | 'end' }) {
  const id = useId();
  const day = value ? localDay(edge === 'end' ? new Date(new Date(value).getTime() - 1).toISOString() : value) : '';
  return (
    <span className="facet">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="date"
        value={day}
        onChange={(event) => {
          const picked = event.target.value;
          if (!picked) return onChange(undefined);
          const [year, month, date] = picked.split('-').map(Number);
          const local = new Date(year ?? 0, (month ?? 1) - 1, (date ?? 1) + (edge === 'end' ? 1 : 0));
          onChange(local.toISOString());
        }}
      />
    </span>
  );
}
