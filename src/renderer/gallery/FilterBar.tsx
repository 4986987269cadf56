import { useId } from 'react';
import type { GenerationFilters } from '../../shared/ipc/contract';
import { countOf } from '../common/format';
import { useGallery } from '../stores';
import { isUnfiltered, TILE_HEIGHT } from '../stores/galleryStore';
import { activeFilters, type FacetEntries } from './facetEntries';

interface Props {
  entries: FacetEntries;
  panelId: string;
  panelOpen: boolean;
  onTogglePanel(): void;
}

/**
 * The search box, the result count and the thumbnail size on one line; under it, one compact
 * row of the filters in force, each a chip that removes it. The row is always there (empty, it
 * says so), so picking the first filter does not push the grid down.
 */
export function FilterBar({ entries, panelId, panelOpen, onTogglePanel }: Props) {
  const { query, facets, setQuery, clearFilters, tileHeight, setTileHeight, stacked, setStacked } = useGallery((state) => ({
    query: state.query,
    facets: state.facets,
    setQuery: state.setQuery,
    clearFilters: state.clearFilters,
    tileHeight: state.tileHeight,
    setTileHeight: state.setTileHeight,
    stacked: state.stacked,
    setStacked: state.setStacked,
  }));
  const active = activeFilters(query.filters, entries);
  const remove = (clear: Partial<GenerationFilters>) => void setQuery({ filters: { ...query.filters, ...clear } });
  const sizeId = useId();

  return (
    <div className="filter-bar" role="search">
      <div className="filter-line">
        <button type="button" className={`button filters-toggle${panelOpen ? ' open' : ''}`} aria-expanded={panelOpen} aria-controls={panelOpen ? panelId : undefined} onClick={onTogglePanel}>
          Filters{active.length > 0 && <span className="filters-count">{active.length}</span>}
        </button>
        <SearchBox value={query.search} onSearch={(search) => void setQuery({ search })} />
        <span className="muted result-count" role="status" aria-label="Result count">
          {facets ? countOf(facets.total, 'result') : ''}
        </span>
        <label className="checkbox stack-toggle" title="Show each generation's reproductions and variations in a stack under it">
          <input type="checkbox" checked={stacked} onChange={(event) => void setStacked(event.target.checked)} />
          Stack versions
        </label>
        <label className="size-control" htmlFor={sizeId}>
          <span className="visually-hidden">Thumbnail size</span>
          <span aria-hidden="true" className="size-glyph small">▪</span>
          <input
            id={sizeId}
            type="range"
            className="size-slider"
            min={TILE_HEIGHT.min}
            max={TILE_HEIGHT.max}
            step={10}
            value={tileHeight}
            onChange={(event) => setTileHeight(Number(event.target.value))}
          />
          <span aria-hidden="true" className="size-glyph">■</span>
        </label>
      </div>
      <ul className="filter-chips" aria-label="Active filters">
        {active.length === 0 && <li className="muted no-filters">{query.search.trim() ? 'Searching the whole library' : 'Showing the whole library'}</li>}
        {active.map((filter) => (
          <li key={filter.key} className="filter-chip">
            <span>{filter.text}</span>
            <button type="button" className="chip-remove" aria-label={`Remove filter ${filter.text}`} onClick={() => remove(filter.clear)}>
              ×
            </button>
          </li>
        ))}
        {!isUnfiltered(query) && (
          <li>
            <button type="button" className="link-button" onClick={() => void clearFilters()}>
              Clear filters
            </button>
          </li>
        )}
      </ul>
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
