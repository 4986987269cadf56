import { useEffect, useId, useState, type ReactNode } from 'react';
import type { GenerationFilters, GenerationState } from '../../shared/ipc/contract';
import { FAMILY_RULES, MODEL_FAMILIES, type ModelFamily } from '../../shared/preset';
import { stateLabel } from '../common/format';
import { useDebounced } from '../common/useDebounced';
import { localDay } from '../stores/galleryItem';
import { useGallery, usePresets } from '../stores';

/** Typing settles for this long before the history is searched again. */
const SEARCH_DEBOUNCE_MS = 150;

export function FilterBar() {
  const { query, facets, setQuery } = useGallery((state) => ({ query: state.query, facets: state.facets, setQuery: state.setQuery }));
  const models = usePresets((state) => state.models);
  const filters = query.filters;

  const setFilter = (patch: Partial<GenerationFilters>) => void setQuery({ filters: { ...filters, ...patch } });
  const one = <T,>(value: string, wrap: (value: string) => T): T[] | undefined => (value ? [wrap(value)] : undefined);

  const chooseFamily = (family: ModelFamily | null) => {
    // The contract filters by model, so a family becomes the list of its models; a family with
    // no known model gets an id that matches nothing, so the view is honestly empty.
    const modelIds = family ? models.filter((model) => model.family === family).map((model) => model.id) : [];
    void setQuery({ family, filters: { ...filters, modelIds: family ? (modelIds.length ? modelIds : ['(no model of this family)']) : undefined } });
  };

  return (
    <div className="filter-bar" role="search">
      <SearchBox value={query.search} onSearch={(search) => void setQuery({ search })} />
      <FacetSelect label="Preset" value={filters.presetIds?.[0] ?? ''} onChange={(value) => setFilter({ presetIds: one(value, String) })}>
        {facets?.presets.map((preset) => (
          <option key={preset.id} value={preset.id}>{`${preset.name} (${preset.count})`}</option>
        ))}
      </FacetSelect>
      <FacetSelect
        label="Model"
        value={query.family ? '' : (filters.modelIds?.[0] ?? '')}
        onChange={(value) => void setQuery({ family: null, filters: { ...filters, modelIds: one(value, String) } })}
      >
        {facets?.models.map((model) => (
          <option key={model.id} value={model.id}>{`${model.name ?? model.id} (${model.count})`}</option>
        ))}
      </FacetSelect>
      <FacetSelect label="Family" value={query.family ?? ''} onChange={(value) => chooseFamily(value ? (value as ModelFamily) : null)}>
        {MODEL_FAMILIES.map((family) => (
          <option key={family} value={family}>{FAMILY_RULES[family].label}</option>
        ))}
      </FacetSelect>
      <FacetSelect label="Folder" value={filters.folderIds?.[0] ?? ''} onChange={(value) => setFilter({ folderIds: one(value, String) })}>
        {facets?.folders.map((folder) => (
          <option key={folder.id} value={folder.id}>{`${folder.path} (${folder.count})`}</option>
        ))}
      </FacetSelect>
      <FacetSelect
        label="State"
        value={filters.states?.[0] ?? ''}
        onChange={(value) => setFilter({ states: one(value, (state) => state as GenerationState) })}
      >
        {facets?.states.map((state) => (
          <option key={state.state} value={state.state}>{`${stateLabel(state.state)} (${state.count})`}</option>
        ))}
      </FacetSelect>
      <FacetSelect label="Tag" value={filters.tags?.[0] ?? ''} onChange={(value) => setFilter({ tags: one(value, String) })}>
        {facets?.tags.map((tag) => (
          <option key={tag.tag} value={tag.tag}>{`${tag.tag} (${tag.count})`}</option>
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
      <DateInput label="To" value={filters.createdTo} onChange={(createdTo) => setFilter({ createdTo })} edge="end" />
      <label className="checkbox">
        <input
          type="checkbox"
          checked={filters.favourite === true}
          onChange={(event) => setFilter({ favourite: event.target.checked ? true : undefined })}
        />
        Favourites
      </label>
      <span className="muted result-count" role="status" aria-label="Result count">
        {facets ? `${facets.total.toLocaleString()} results` : ''}
      </span>
    </div>
  );
}

function SearchBox({ value, onSearch }: { value: string; onSearch: (search: string) => void }) {
  const [text, setText] = useState(value);
  const settled = useDebounced(text, SEARCH_DEBOUNCE_MS);
  useEffect(() => {
    if (settled !== value) onSearch(settled);
    // Only the settled text triggers a search (not `value` catching up with it).
  }, [settled]);
  return (
    <input
      type="search"
      className="search"
      aria-label="Search history"
      placeholder="Search prompts, presets, models, tags, files…"
      value={text}
      onChange={(event) => setText(event.target.value)}
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

/** A calendar day turned into the start or end of that local day, as the filter's ISO time. */
function DateInput({ label, value, onChange, edge }: { label: string; value: string | undefined; onChange: (iso: string | undefined) => void; edge: 'start' | 'end' }) {
  const id = useId();
  const day = value ? localDay(value) : '';
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
          const local = edge === 'start' ? new Date(year ?? 0, (month ?? 1) - 1, date, 0, 0, 0, 0) : new Date(year ?? 0, (month ?? 1) - 1, date, 23, 59, 59, 999);
          onChange(local.toISOString());
        }}
      />
    </span>
  );
}
