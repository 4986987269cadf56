import { useId, useState } from 'react';
import type { GenerationFilters } from '../../shared/ipc/contract';
import { localDay } from '../stores/galleryItem';
import { useGallery } from '../stores';
import { DIMENSIONS, type DimensionSpec, type FacetEntries, type FacetEntry } from './facetEntries';

/** Values a section lists before "Show all". */
const SHOWN = 8;

/**
 * The filters with their counts, beside the grid: one section per facet, each value a toggle
 * (pressing the chosen one again lifts the filter). Its width is fixed and every value keeps its
 * place, so nothing moves when the counts change.
 */
export function FacetPanel({ id, entries }: { id: string; entries: FacetEntries }) {
  const { filters, favourites, setQuery } = useGallery((state) => ({
    filters: state.query.filters,
    favourites: state.facets?.favourites ?? null,
    setQuery: state.setQuery,
  }));
  const setFilter = (patch: Partial<GenerationFilters>) => void setQuery({ filters: { ...filters, ...patch } });

  return (
    <aside id={id} className="facet-panel" aria-label="Filters">
      <section className="facet-section" aria-label="Favourites and rating">
        <label className="checkbox facet-favourites">
          <input type="checkbox" checked={filters.favourite === true} onChange={(event) => setFilter({ favourite: event.target.checked ? true : undefined })} />
          <span className="facet-label">Favourites</span>
          <span className="facet-count">{favourites === null ? '' : favourites.toLocaleString()}</span>
        </label>
        <div className="rating-choice" role="group" aria-label="Minimum rating">
          {[1, 2, 3, 4, 5].map((rating) => (
            <button
              key={rating}
              type="button"
              className="rating-step"
              aria-pressed={filters.minRating === rating}
              aria-label={`Rated ${rating} or more`}
              onClick={() => setFilter({ minRating: filters.minRating === rating ? undefined : rating })}
            >
              {`${rating}★`}
            </button>
          ))}
        </div>
      </section>
      {DIMENSIONS.map((spec) => (
        <FacetSection key={spec.dimension} spec={spec} entries={entries[spec.dimension]} chosen={spec.selected(filters)} onChoose={(value) => setFilter(spec.choose(value))} />
      ))}
      <section className="facet-section" aria-labelledby={`${id}-dates`}>
        <h3 id={`${id}-dates`}>Date</h3>
        <DateInput label="From" value={filters.createdFrom} onChange={(createdFrom) => setFilter({ createdFrom })} edge="start" />
        <DateInput label="To" value={filters.createdBefore} onChange={(createdBefore) => setFilter({ createdBefore })} edge="end" />
      </section>
    </aside>
  );
}

function FacetSection({ spec, entries, chosen, onChoose }: { spec: DimensionSpec; entries: FacetEntry[]; chosen: string | undefined; onChoose(value: string | undefined): void }) {
  const headingId = useId();
  const [all, setAll] = useState(false);
  if (entries.length === 0) return null;
  // The chosen value is always listed, even past the first few.
  const shown = all ? entries : entries.filter((entry, index) => index < SHOWN || entry.value === chosen);
  return (
    <section className="facet-section" aria-labelledby={headingId}>
      <h3 id={headingId}>{spec.title}</h3>
      <ul className="facet-values">
        {shown.map((entry) => {
          const isChosen = entry.value === chosen;
          // Under a choice of this facet, another value's count would be 0 by definition: it is
          // left blank (picking it replaces the choice).
          const count = entry.count === null || (chosen !== undefined && !isChosen) ? '' : entry.count.toLocaleString();
          return (
            <li key={entry.value}>
              <button
                type="button"
                className={`facet-value${entry.count === 0 && chosen === undefined ? ' empty' : ''}`}
                aria-pressed={isChosen}
                title={entry.title ?? entry.label}
                onClick={() => onChoose(isChosen ? undefined : entry.value)}
              >
                <span className="facet-label">{entry.label}</span>
                <span className="facet-count">{count}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {entries.length > SHOWN && (
        <button type="button" className="link-button facet-more" aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `Show all ${entries.length}`}
        </button>
      )}
    </section>
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
    <span className="facet-date">
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
