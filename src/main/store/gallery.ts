import type Database from 'better-sqlite3';
import type { StoreContext } from './context';
import { IN_LIST, jsonList } from './context';
import { decodeCursor, encodeCursor } from './cursor';
import type { GalleryPosition } from './cursor';
import { StoreError } from './errors';
import { toFirstImage, toGeneration, toImage, toInput, toPresetVersion } from './rows';
import type { FirstImageColumns, GenerationRow, ImageRow, InputRow, PresetVersionRow } from './rows';
import { FACET_COLUMNS } from './migrations';
import { toMatchExpression } from './search';
import type {
  FacetCount,
  FacetCounts,
  GalleryFilters,
  GalleryItem,
  GalleryPage,
  GenerationOrigin,
  GalleryQuery,
  GenerationDetail,
  GenerationState,
  GenerationSummary,
} from './types';

type SqlValue = string | number;

interface Condition {
  where: string[];
  params: SqlValue[];
}

/**
 * Conditions on the columns `facet_counts` keeps too, over `g` (a generation) or `fc` (a
 * facet_counts row): the trash flag and the single-choice filters.
 */
function keptCondition(filters: GalleryFilters, alias: 'g' | 'fc'): Condition {
  const trashed = filters.trashed === true;
  const where = [alias === 'g' ? `g.deleted_at IS ${trashed ? 'NOT ' : ''}NULL` : `fc.trashed = ${trashed ? 1 : 0}`];
  const params: SqlValue[] = [];
  const add = (sql: string, ...values: SqlValue[]) => {
    where.push(`${alias}.${sql}`);
    params.push(...values);
  };
  if (filters.presetId !== undefined) add('preset_version_id IN (SELECT id FROM preset_versions WHERE preset_id = ?)', filters.presetId);
  if (filters.modelId !== undefined) add('model_id = ?', filters.modelId);
  if (filters.family !== undefined) add('family = ?', filters.family);
  if (filters.modality !== undefined) add('modality = ?', filters.modality);
  if (filters.folderId !== undefined) add('folder_id = ?', filters.folderId);
  if (filters.states !== undefined) add(`state ${IN_LIST}`, jsonList(filters.states));
  if (filters.favourite !== undefined) add('favourite = ?', filters.favourite ? 1 : 0);
  return { where, params };
}

/**
 * Conditions only a generation's own row (`g`) or its tags answer; `id` is the generation's id
 * column. `readsRow` tells whether `g` must be joined.
 */
function rowCondition(filters: GalleryFilters, id: string): Condition & { readsRow: boolean } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (sql: string, ...values: SqlValue[]) => {
    where.push(sql);
    params.push(...values);
  };
  if (filters.createdFrom !== undefined) add('g.created_at >= ?', filters.createdFrom);
  if (filters.createdBefore !== undefined) add('g.created_at < ?', filters.createdBefore);
  if (filters.minRating !== undefined) add('g.rating >= ?', filters.minRating);
  if (filters.tag !== undefined) {
    add(`${id} IN (SELECT gt.generation_id FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id WHERE t.name = ?)`, filters.tag);
  }
  if (filters.collectionId !== undefined) {
    add(`${id} IN (SELECT im.generation_id FROM collection_assets ca CROSS JOIN images im ON im.asset_id = ca.asset_id WHERE ca.collection_id = ?)`, filters.collectionId);
  }
  if (filters.imported !== undefined) add(`g.origin IS ${filters.imported ? 'NOT ' : ''}NULL`);
  const readsRow = filters.createdFrom !== undefined || filters.createdBefore !== undefined || filters.minRating !== undefined || filters.imported !== undefined;
  return { where, params, readsRow };
}

/** Both parts for a filter set over `generations g`; shared by pages and by counts that scan. */
function conditionFor(filters: GalleryFilters = {}): Condition {
  const kept = keptCondition(filters, 'g');
  const row = rowCondition(filters, 'g.id');
  return { where: [...kept.where, ...row.where], params: [...kept.params, ...row.params] };
}

/** Candidate generations in id order: `id` is their id column in `from`, narrowed by `where`. */
interface Driver {
  from: string;
  where: string;
  params: SqlValue[];
  id: string;
}

function searchDriver(match: string): Driver {
  return { from: 'generation_search s', where: 'generation_search MATCH ?', params: [match], id: 's.rowid' };
}

/** Through generation_tags_by_tag (tag_id, generation_id): one tag's generations, in id order. */
function tagDriver(tag: string): Driver {
  return {
    from: 'tags filter_tag CROSS JOIN generation_tags tagged ON tagged.tag_id = filter_tag.id',
    where: 'filter_tag.name = ?',
    params: [tag],
    id: 'tagged.generation_id',
  };
}

type CountedColumn = (typeof FACET_COLUMNS)[number];

/** Per counted column, how many generations have each value (folder_id: null for none). */
type Totals = Map<CountedColumn, Map<SqlValue | null, number>>;

function emptyTotals(): Totals {
  return new Map(FACET_COLUMNS.map((column) => [column, new Map()]));
}

function addTo(totals: Totals, column: CountedColumn, value: SqlValue | null, count: number) {
  const counts = totals.get(column)!;
  counts.set(value, (counts.get(value) ?? 0) + count);
}

/** A facet_counts row with the number of generations counted in it (all, or those a query matched). */
type Combination = Record<CountedColumn, SqlValue | null> & { count: number };

function totalsOf(combinations: readonly Combination[]): Totals {
  const totals = emptyTotals();
  for (const combination of combinations) {
    for (const column of FACET_COLUMNS) addTo(totals, column, combination[column], combination.count);
  }
  return totals;
}

/** Counts `values` one by one: cheaper in a Map than grouped by SQLite, which sorts them first. */
function tallyValues(values: readonly SqlValue[]): Map<SqlValue, number> {
  const counts = new Map<SqlValue, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** What the facets are made of: the totals per counted column, and the tags. */
interface Counted {
  totals: Totals;
  tags: FacetCount<string>[];
}

interface GalleryRow extends FirstImageColumns {
  id: number;
  created_at: number;
  state: GenerationState;
  kind: GalleryItem['kind'];
  prompt: string;
  model_id: string;
  model_name: string | null;
  family: string;
  modality: string;
  preset_id: number;
  preset_name: string;
  folder_id: number | null;
  file_name: string;
  favourite: number;
  rating: number;
  simulated: number;
  cost_cu: number | null;
  image_count: number;
  origin: GenerationOrigin | null;
  author_id: string | null;
  deleted_in_scenario_at: number | null;
  control_rel_path: string;
  control_width: number | null;
  control_height: number | null;
  error_code: string | null;
  error_message: string | null;
  parent_id: number | null;
  stack_size: number;
}

function toGalleryItem(row: GalleryRow, tags: string[]): GalleryItem {
  return {
    id: row.id,
    createdAt: row.created_at,
    state: row.state,
    kind: row.kind,
    prompt: row.prompt,
    modelId: row.model_id,
    modelName: row.model_name,
    family: row.family,
    modality: row.modality,
    presetId: row.preset_id,
    presetName: row.preset_name,
    folderId: row.folder_id,
    inputFileName: row.file_name,
    favourite: row.favourite === 1,
    rating: row.rating,
    simulated: row.simulated === 1,
    costCu: row.cost_cu,
    imageCount: row.image_count,
    firstImage: toFirstImage(row),
    origin: row.origin,
    authorId: row.author_id,
    deletedInScenario: row.deleted_in_scenario_at !== null,
    control: { relPath: row.control_rel_path, width: row.control_width, height: row.control_height },
    errorCode: row.error_code,
    errorMessage: row.error_message,
    tags,
    parentId: row.parent_id,
    stackSize: row.stack_size,
  };
}

/**
 * Decorates one page of ids; kept apart from the id query so that one stays a plain index walk.
 * CROSS JOIN fixes the join order (SQLite never reorders it): with statistics from a real library
 * the planner otherwise starts from the few preset versions and walks every generation of each,
 * 200+ ms at 100,000 generations instead of under a millisecond for the page.
 */
const PAGE_DETAILS = `
  SELECT g.id, g.created_at, g.state, g.kind, g.prompt, g.model_id, g.model_name, g.family, g.modality,
         pv.preset_id, pv.name AS preset_name, g.folder_id, i.file_name, g.favourite, g.rating, g.simulated, g.cost_cu,
         i.library_rel_path AS control_rel_path, i.width AS control_width, i.height AS control_height, g.error_code, g.error_message, g.origin, g.author_id,
         g.deleted_in_scenario_at, (SELECT count(*) FROM images WHERE generation_id = g.id) AS image_count, g.parent_id,
         (SELECT count(*) FROM generations c WHERE c.parent_id = g.id AND c.deleted_at IS NULL) AS stack_size,
         fi.id AS image_id, fi.rel_path AS image_rel_path, fi.thumb_rel_path AS image_thumb_rel_path,
         fi.missing AS image_missing, fi.width AS image_width, fi.height AS image_height
  FROM page
  CROSS JOIN generations g ON g.id = page.id
  CROSS JOIN preset_versions pv ON pv.id = g.preset_version_id
  CROSS JOIN inputs i ON i.id = g.input_id
  LEFT JOIN images fi ON fi.id = (SELECT id FROM images WHERE generation_id = g.id ORDER BY idx LIMIT 1)
  ORDER BY g.created_at DESC, g.id DESC`;

const MAX_PAGE = 500;

/**
 * The tags of a whole page in one query (one per tile would be 60 to 500 more), alphabetical.
 * CROSS JOIN walks from the page's ids through the (generation_id, tag_id) key, whatever the
 * statistics say about the few tags.
 */
const PAGE_TAGS = `
  SELECT gt.generation_id AS generationId, t.name
  FROM json_each(?) page
  CROSS JOIN generation_tags gt ON gt.generation_id = page.value
  CROSS JOIN tags t ON t.id = gt.tag_id
  ORDER BY t.name`;

export function createGallery(context: StoreContext) {
  const { db } = context;
  const statements = new Map<string, Database.Statement<SqlValue[]>>();
  /** Filter sets repeat (same keys, new values): cache one statement per SQL text. */
  function prepared(sql: string) {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare<SqlValue[]>(sql);
      statements.set(sql, statement);
    }
    return statement;
  }

  /** Newest first through the time index; the filters narrow the walk. */
  function browsedIds(where: string[], after: GalleryPosition | null): { sql: string; params: SqlValue[] } {
    const params: SqlValue[] = [];
    if (after) {
      // Row-value comparison: strictly older than the last item, ties broken by id.
      where.push('(g.created_at, g.id) < (?, ?)');
      params.push(after.createdAt, after.id);
    }
    return { sql: `SELECT g.id FROM generations g WHERE ${where.join(' AND ')} ORDER BY g.created_at DESC, g.id DESC`, params };
  }

  /**
   * Newest first through a narrower list of generation ids than the whole history, stopping at the
   * page limit: the full-text matches, or the generations of a tag (its index is ordered by id).
   * Collecting every candidate and then sorting was the slow part: a short prefix ("lig")
   * matches most of the library, and a tag's generations were gathered into a temporary list
   * before the time index was walked against it (30-80 ms at 1,000,000 generations). Id order is
   * creation order because created_at never decreases with the id (see generations.create), so
   * this is the same order as browsing and the same cursor applies.
   */
  function drivenIds(driver: Driver, where: string[], after: GalleryPosition | null): { sql: string; params: SqlValue[] } {
    const params: SqlValue[] = [...driver.params];
    let range = '';
    if (after) {
      range = `AND ${driver.id} < ?`;
      params.push(after.id);
    }
    return {
      sql: `SELECT g.id FROM ${driver.from} CROSS JOIN generations g ON g.id = ${driver.id}
            WHERE ${driver.where} ${range} AND ${where.join(' AND ')} ORDER BY ${driver.id} DESC`,
      params,
    };
  }

  const pageTags = db.prepare<[string], { generationId: number; name: string }>(PAGE_TAGS);

  function tagsByGeneration(ids: readonly number[]): Map<number, string[]> {
    const tags = new Map<number, string[]>();
    if (ids.length === 0) return tags;
    for (const { generationId, name } of pageTags.all(jsonList(ids))) {
      const list = tags.get(generationId);
      if (list) list.push(name);
      else tags.set(generationId, [name]);
    }
    return tags;
  }

  function galleryPage(query: GalleryQuery): GalleryPage {
    const limit = Math.min(Math.max(Math.trunc(query.limit), 1), MAX_PAGE);
    const filters = query.filters ?? {};
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const match = query.search === undefined ? null : toMatchExpression(query.search);
    const driver = match !== null ? searchDriver(match) : filters.tag !== undefined ? tagDriver(filters.tag) : null;
    // Walking the tag's generations is its condition: checking it again would gather them all.
    const { where, params: filterParams } = conditionFor(match === null ? { ...filters, tag: undefined } : filters);
    // Stacked: a generation whose parent is live is shown in its parent's stack, not on its own.
    if (query.stacked === true && filters.trashed !== true) where.push('NOT EXISTS (SELECT 1 FROM generations p WHERE p.id = g.parent_id AND p.deleted_at IS NULL)');
    const ids = driver === null ? browsedIds(where, after) : drivenIds(driver, where, after);
    const params = driver === null ? [...filterParams, ...ids.params] : [...ids.params, ...filterParams];
    const sql = `WITH page AS (${ids.sql} LIMIT ?) ${PAGE_DETAILS}`;
    const rows = prepared(sql).all(...params, limit + 1) as GalleryRow[];
    const pageRows = rows.slice(0, limit);
    const tags = tagsByGeneration(pageRows.map((row) => row.id));
    const items = pageRows.map((row) => toGalleryItem(row, tags.get(row.id) ?? []));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
  }

  const presetLabels = db.prepare<[], { version_id: number; preset_id: number; name: string }>(
    'SELECT pv.id AS version_id, p.id AS preset_id, p.name FROM preset_versions pv JOIN presets p ON p.id = pv.preset_id',
  );
  const folderLabels = db.prepare<[], { id: number; path: string }>('SELECT id, path FROM watched_folders');
  // The name the last generation of the model recorded, else the one in the model list last seen.
  const modelLabel = db.prepare<[{ modelId: string }], { model_name: string | null }>(`
    SELECT coalesce((SELECT model_name FROM generations WHERE model_id = @modelId AND model_name IS NOT NULL ORDER BY created_at DESC LIMIT 1),
                    (SELECT json_extract(model_json, '$.name') FROM models_cache WHERE model_id = @modelId)) AS model_name`);

  const allTags = db.prepare<[], { id: number; name: string }>('SELECT id, name FROM tags');
  /** Tag counts as the facets list them, from tag ids and their counts, most used first. */
  function tagFacets(counts: Iterable<[SqlValue, number]>): FacetCount<string>[] {
    const names = new Map(allTags.all().map((tag) => [tag.id, tag.name]));
    const facets: FacetCount<string>[] = [];
    for (const [tagId, count] of counts) {
      const name = names.get(Number(tagId));
      if (name !== undefined && count > 0) facets.push({ value: name, label: name, count });
    }
    return facets.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  }

  const keptTotals = db.prepare<[number], { dimension: CountedColumn; value: SqlValue; count: number }>(
    'SELECT dimension, value, count FROM facet_totals WHERE trashed = ? AND count > 0',
  );
  const keptTagCounts = db.prepare<[number], [number, number]>('SELECT tag_id, count FROM tag_counts WHERE trashed = ?').raw();

  /** The whole library's (or the trash's) counts: the kept totals alone (migration 15). */
  function countedWhole(trashed: boolean): Counted {
    const totals = emptyTotals();
    for (const row of keptTotals.all(trashed ? 1 : 0)) addTo(totals, row.dimension, row.dimension === 'folder_id' && row.value === 0 ? null : row.value, row.count);
    return { totals, tags: tagFacets(keptTagCounts.all(trashed ? 1 : 0)) };
  }

  /** Under filters on kept columns only: the facet_counts rows they keep, and those rows' tags (migration 15). */
  function countedKept(filters: GalleryFilters): Counted {
    const kept = keptCondition(filters, 'fc');
    const combinations = prepared(`SELECT ${FACET_COLUMNS.map((column) => `fc.${column}`).join(', ')}, fc.count FROM facet_counts fc WHERE ${kept.where.join(' AND ')}`).all(
      ...kept.params,
    ) as Combination[];
    const tags = prepared(`SELECT ft.tag_id, sum(ft.count) FROM facet_counts fc CROSS JOIN facet_tags ft ON ft.facet_id = fc.id WHERE ${kept.where.join(' AND ')} GROUP BY ft.tag_id`)
      .raw()
      .all(...kept.params) as [number, number][];
    return { totals: totalsOf(combinations), tags: tagFacets(tags) };
  }

  /**
   * Counting the generations a search or a tag leads to: each one's facet_counts row through
   * generation_facets (a narrow table that stays in the page cache), and its tags, counted here
   * as they come (SQLite would sort them to group them, which cost more than the lookups). The
   * rows are then read once each and kept or not by the kept conditions (their own columns).
   * Tags are counted per row for that only when some row in use fails those conditions (a
   * search with nothing in the trash needs no facet lookup for its tags).
   */
  function countedThrough(driver: Driver, filters: GalleryFilters): Counted {
    const kept = keptCondition(filters, 'fc');
    const row = rowCondition(filters, driver.id);
    const ownRow = row.readsRow ? `CROSS JOIN generations g ON g.id = ${driver.id}` : '';
    const facetOf = `CROSS JOIN generation_facets gf ON gf.generation_id = ${driver.id}`;
    const where = [driver.where, ...row.where].join(' AND ');
    const params = [...driver.params, ...row.params];
    const perFacet = tallyValues(prepared(`SELECT gf.facet_id FROM ${driver.from} ${facetOf} ${ownRow} WHERE ${where}`).raw().pluck().all(...params) as number[]);
    const rows = prepared(`
      SELECT fc.id, ${FACET_COLUMNS.map((column) => `fc.${column}`).join(', ')}, (${kept.where.join(' AND ')}) AS kept
      FROM json_each(?) matched CROSS JOIN facet_counts fc ON fc.id = matched.value`).all(...kept.params, jsonList([...perFacet.keys()])) as (Combination & { id: number; kept: number })[];
    const keptRows = rows.filter((combination) => combination.kept === 1);
    const totals = totalsOf(keptRows.map((combination) => ({ ...combination, count: perFacet.get(combination.id) ?? 0 })));
    if (keptRows.length === rows.length) {
      const tags = prepared(`SELECT gt.tag_id FROM ${driver.from} CROSS JOIN generation_tags gt ON gt.generation_id = ${driver.id} ${ownRow} WHERE ${where}`).raw().pluck().all(...params) as number[];
      return { totals, tags: tagFacets(tallyValues(tags)) };
    }
    const keptIds = new Set(keptRows.map((combination) => combination.id));
    const tagged = prepared(`SELECT gf.facet_id, gt.tag_id FROM ${driver.from} CROSS JOIN generation_tags gt ON gt.generation_id = ${driver.id} ${facetOf} ${ownRow} WHERE ${where}`)
      .raw()
      .all(...params) as [number, number][];
    return { totals, tags: tagFacets(tallyValues(tagged.filter(([facetId]) => keptIds.has(facetId)).map(([, tagId]) => tagId))) };
  }

  /** By a pass over the generations a date or rating filter selects, through their indexes. */
  function countedByScan(filters: GalleryFilters): Counted {
    const scanned = conditionFor(filters);
    const group = FACET_COLUMNS.map((column) => `g.${column}`).join(', ');
    const combinations = prepared(`SELECT ${group}, count(*) AS count FROM generations g WHERE ${scanned.where.join(' AND ')} GROUP BY ${group}`).all(
      ...scanned.params,
    ) as Combination[];
    const tags = prepared(`SELECT gt.tag_id FROM generations g CROSS JOIN generation_tags gt ON gt.generation_id = g.id WHERE ${scanned.where.join(' AND ')}`)
      .raw()
      .pluck()
      .all(...scanned.params) as number[];
    return { totals: totalsOf(combinations), tags: tagFacets(tallyValues(tags)) };
  }

  /**
   * The counts under a query: from the kept totals for the whole library (or the trash), from
   * the kept counts whenever the query only filters by what they keep; through generation_facets
   * from a search's matches or a tag's generations; by a pass over the generations the other
   * filters (a date, a rating, a collection, imported or not) select otherwise.
   */
  function counted(query: { filters?: GalleryFilters; search?: string }): Counted {
    const filters = query.filters ?? {};
    const match = query.search === undefined ? null : toMatchExpression(query.search);
    if (match !== null) return countedThrough(searchDriver(match), filters);
    // The tag's generations are the walk: its condition is not checked again.
    if (filters.tag !== undefined) return countedThrough(tagDriver(filters.tag), { ...filters, tag: undefined });
    // Any other condition the kept counts do not know (a date, a rating, a collection...) is a pass.
    if (rowCondition(filters, 'g.id').where.length > 0) return countedByScan(filters);
    if (keptCondition(filters, 'fc').where.length === 1) return countedWhole(filters.trashed === true);
    return countedKept(filters);
  }

  /** Counts per dimension over the current filter set, with the names people know them by. */
  function facetCounts(query: { filters?: GalleryFilters; search?: string } = {}): FacetCounts {
    const { totals, tags } = counted(query);
    const versions = presetLabels.all();
    const presetOfVersion = new Map(versions.map((row) => [row.version_id, row.preset_id]));
    const presetNames = new Map(versions.map((row) => [row.preset_id, row.name]));
    const folderPaths = new Map(folderLabels.all().map((row) => [row.id, row.path]));
    const tally = <K extends SqlValue>(column: CountedColumn, key: (value: SqlValue) => K | null, label: (value: K) => string) => {
      const counts = new Map<K, number>();
      for (const [value, count] of totals.get(column)!) {
        const keyed = value === null ? null : key(value);
        if (keyed !== null && count > 0) counts.set(keyed, (counts.get(keyed) ?? 0) + count);
      }
      return [...counts]
        .map(([value, count]): FacetCount<K> => ({ value, label: label(value), count }))
        .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
    };
    const same = (value: SqlValue) => String(value);
    let total = 0;
    for (const count of totals.get('state')!.values()) total += count;
    return {
      total,
      favourites: totals.get('favourite')!.get(1) ?? 0,
      presets: tally(
        'preset_version_id',
        (versionId) => presetOfVersion.get(Number(versionId)) ?? null,
        (presetId) => presetNames.get(presetId) ?? String(presetId),
      ),
      models: tally('model_id', same, (modelId) => modelLabel.get({ modelId })?.model_name ?? modelId),
      families: tally('family', same, (family) => family),
      modalities: tally('modality', same, (modality) => modality),
      folders: tally('folder_id', Number, (folderId) => folderPaths.get(folderId) ?? String(folderId)),
      states: tally('state', (state) => state as GenerationState, (state) => state),
      tags,
    };
  }

  const generationById = db.prepare<[number], GenerationRow>('SELECT * FROM generations WHERE id = ?');
  const inputById = db.prepare<[number], InputRow>('SELECT * FROM inputs WHERE id = ?');
  const versionById = db.prepare<[number], PresetVersionRow>('SELECT * FROM preset_versions WHERE id = ?');
  const imagesOf = db.prepare<[number], ImageRow>('SELECT * FROM images WHERE generation_id = ? ORDER BY idx');
  // A related generation with its first output, the lineage's thumbnail.
  const RELATED = `
    SELECT g.id, g.kind, g.state, g.seed, g.created_at AS createdAt,
           fi.id AS image_id, fi.rel_path AS image_rel_path, fi.thumb_rel_path AS image_thumb_rel_path,
           fi.missing AS image_missing, fi.width AS image_width, fi.height AS image_height
    FROM generations g
    LEFT JOIN images fi ON fi.id = (SELECT id FROM images WHERE generation_id = g.id ORDER BY idx LIMIT 1)`;
  type RelatedRow = Omit<GenerationSummary, 'firstImage'> & FirstImageColumns;
  const toRelated = ({ image_id, image_rel_path, image_thumb_rel_path, image_missing, image_width, image_height, ...summary }: RelatedRow): GenerationSummary => ({
    ...summary,
    firstImage: toFirstImage({ image_id, image_rel_path, image_thumb_rel_path, image_missing, image_width, image_height }),
  });
  const summaryById = db.prepare<[number], RelatedRow>(`${RELATED} WHERE g.id = ?`);
  const childSummaries = db.prepare<[number], RelatedRow>(`${RELATED} WHERE g.parent_id = ? ORDER BY g.id`);
  const tagNames = db.prepare<[number], { name: string }>(
    'SELECT t.name FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id WHERE gt.generation_id = ? ORDER BY t.name',
  );

  /** Everything needed to show a generation and to reproduce it. */
  const generationDetail = db.transaction((id: number): GenerationDetail => {
    const row = generationById.get(id);
    if (!row) throw new StoreError('not-found', 'This generation no longer exists.', { detail: `generation ${id}` });
    const generation = toGeneration(row);
    // Foreign keys guarantee both rows exist.
    const input = toInput(inputById.get(generation.inputId) as InputRow);
    const presetVersion = toPresetVersion(versionById.get(generation.presetVersionId) as PresetVersionRow);
    return {
      generation,
      input,
      presetVersion,
      images: imagesOf.all(id).map(toImage),
      parent: generation.parentId === null ? null : (summaryById.all(generation.parentId).map(toRelated)[0] ?? null),
      children: childSummaries.all(id).map(toRelated),
      tags: tagNames.all(id).map((tag) => tag.name),
    };
  });

  return { galleryPage, facetCounts, generationDetail };
}
