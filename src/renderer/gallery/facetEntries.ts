import { useRef } from 'react';
import type { GenerationFacets, GenerationFilters, GenerationState } from '../../shared/ipc/contract';
import { FAMILY_RULES, modalityWords, type ModelFamily } from '../../shared/preset';
import { stateLabel } from '../common/format';

/** The facets listed with counts, each a single-choice filter. */
export type Dimension = 'presets' | 'models' | 'folders' | 'modalities' | 'families' | 'tags' | 'states';

export interface DimensionSpec {
  dimension: Dimension;
  /** The section's title and the chip's prefix. */
  title: string;
  selected(filters: GenerationFilters): string | undefined;
  /** The filter change that picks `value` (undefined: any). */
  choose(value: string | undefined): Partial<GenerationFilters>;
}

/** In the order the panel shows them: what an artist narrows by first, first. */
export const DIMENSIONS: readonly DimensionSpec[] = [
  { dimension: 'presets', title: 'Preset', selected: (filters) => filters.presetId, choose: (presetId) => ({ presetId }) },
  { dimension: 'models', title: 'Model', selected: (filters) => filters.modelId, choose: (modelId) => ({ modelId }) },
  { dimension: 'folders', title: 'Folder', selected: (filters) => filters.folderId, choose: (folderId) => ({ folderId }) },
  { dimension: 'modalities', title: 'Modality', selected: (filters) => filters.modality, choose: (modality) => ({ modality }) },
  { dimension: 'families', title: 'Model family', selected: (filters) => filters.family, choose: (family) => ({ family }) },
  { dimension: 'tags', title: 'Tag', selected: (filters) => filters.tag, choose: (tag) => ({ tag }) },
  {
    dimension: 'states',
    title: 'State',
    selected: (filters) => filters.states?.[0],
    choose: (state) => ({ states: state === undefined ? undefined : [state as GenerationState] }),
  },
];

export interface FacetEntry {
  value: string;
  /** The human name: a model's name, a folder's name, modality words; never an id or a path. */
  label: string;
  /** More about it on hover (a folder's path). */
  title?: string;
  /** Under the query on screen; null while no counts have come. */
  count: number | null;
}

export type FacetEntries = Record<Dimension, FacetEntry[]>;

/** The last part of a path, either separator. */
function baseName(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  return parts.at(-1) ?? path;
}

/** Folder names, with the parent folder added where two watched folders share a name. */
function folderNames(paths: ReadonlyMap<string, string>): Map<string, string> {
  const byName = new Map<string, number>();
  for (const path of paths.values()) byName.set(baseName(path), (byName.get(baseName(path)) ?? 0) + 1);
  return new Map(
    [...paths].map(([value, path]) => {
      const name = baseName(path);
      if ((byName.get(name) ?? 0) < 2) return [value, name];
      const parent = baseName(path.slice(0, path.length - name.length).replace(/[\\/]+$/, ''));
      return [value, `${name} (${parent})`];
    }),
  );
}

function humanLabel(dimension: Dimension, value: string, engineLabel: string): string {
  switch (dimension) {
    case 'modalities':
      return modalityWords(value);
    case 'families':
      return Object.hasOwn(FAMILY_RULES, value) ? FAMILY_RULES[value as ModelFamily].label : value;
    case 'states':
      return stateLabel(value as GenerationState);
    default:
      return engineLabel;
  }
}

/**
 * Every value each facet has listed since the window opened, in the order first seen (the
 * engine lists by count), with the counts of the latest answer: a value the query no longer
 * matches stays in place with 0, so the panel does not jump as counts change.
 */
export function useFacetEntries(facets: GenerationFacets | null): FacetEntries {
  const seen = useRef(new Map<Dimension, Map<string, string>>());
  const entries = {} as FacetEntries;
  for (const { dimension } of DIMENSIONS) {
    let known = seen.current.get(dimension);
    if (!known) seen.current.set(dimension, (known = new Map()));
    const counts = new Map<string, number>();
    for (const entry of facets?.[dimension] ?? []) {
      const value = String(entry.value);
      known.set(value, entry.label);
      counts.set(value, entry.count);
    }
    const folders = dimension === 'folders' ? folderNames(known) : null;
    entries[dimension] = [...known].map(([value, engineLabel]) => ({
      value,
      label: folders?.get(value) ?? humanLabel(dimension, value, engineLabel),
      ...(folders ? { title: engineLabel } : {}),
      count: facets === null ? null : (counts.get(value) ?? 0),
    }));
  }
  return entries;
}

/** A filter in force, as its chip says it. */
export interface ActiveFilter {
  key: string;
  text: string;
  clear: Partial<GenerationFilters>;
}

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** The filters in force, in words, each with the change that removes it (the trash flag is the view, not a filter). */
export function activeFilters(filters: GenerationFilters, entries: FacetEntries): ActiveFilter[] {
  const active: ActiveFilter[] = [];
  for (const spec of DIMENSIONS) {
    const value = spec.selected(filters);
    if (value === undefined) continue;
    const label = entries[spec.dimension].find((entry) => entry.value === value)?.label ?? humanLabel(spec.dimension, value, value);
    active.push({ key: spec.dimension, text: `${spec.title}: ${label}`, clear: spec.choose(undefined) });
  }
  if (filters.favourite) active.push({ key: 'favourite', text: 'Favourites', clear: { favourite: undefined } });
  if (filters.minRating) active.push({ key: 'rating', text: `Rated ${filters.minRating}★ or more`, clear: { minRating: undefined } });
  if (filters.createdFrom) active.push({ key: 'from', text: `From ${dayFormat.format(new Date(filters.createdFrom))}`, clear: { createdFrom: undefined } });
  if (filters.createdBefore) {
    // The bound is exclusive (the next day's midnight): the chip names the last day included.
    const lastDay = new Date(new Date(filters.createdBefore).getTime() - 1);
    active.push({ key: 'to', text: `To ${dayFormat.format(lastDay)}`, clear: { createdBefore: undefined } });
  }
  return active;
}
