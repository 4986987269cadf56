/**
 * Listings' query parameters, checked from the contract (names, types, enums) like bodies are,
 * and the filters of GET /assets. Query values are strings; a parameter the contract declares as
 * an array may be repeated or comma separated.
 */
import { querySchema, type QueryOperation } from './contract';
import { badRequest } from './errors';
import type { StoredAsset } from './state';
import { validateAgainst } from './validate';

export type ListingQuery = Record<string, string | string[]>;

export function readQuery(operation: QueryOperation, params: URLSearchParams): ListingQuery {
  const schema = querySchema(operation);
  const query: ListingQuery = {};
  for (const name of new Set(params.keys())) {
    const parameter = schema.properties?.[name];
    query[name] = parameter?.type === 'array' ? params.getAll(name).flatMap((value) => value.split(',')).filter((value) => value !== '') : (params.get(name) ?? '');
  }
  const issue = validateAgainst(schema, query);
  if (issue) throw badRequest(issue.message, { field: issue.field, rule: issue.rule });
  return query;
}

function text(query: ListingQuery, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function time(query: ListingQuery, name: string): number | undefined {
  const value = text(query, name);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw badRequest(`${name} must be an ISO date, such as 2025-01-31T12:00:00.000Z`, { field: name });
  return ms;
}

export interface AssetOrder {
  sortBy: 'createdAt' | 'updatedAt';
  direction: 'asc' | 'desc';
}

/** Which assets a GET /assets query selects, and in which order. */
export function assetSelection(query: ListingQuery): { matches: (asset: StoredAsset) => boolean; order: AssetOrder } {
  const sortBy = text(query, 'sortBy') ?? 'createdAt';
  if (sortBy !== 'createdAt' && sortBy !== 'updatedAt') throw badRequest('sortBy must be createdAt or updatedAt', { field: 'sortBy' });
  const direction = text(query, 'sortDirection') ?? 'desc';
  if (direction !== 'asc' && direction !== 'desc') throw badRequest('sortDirection must be asc or desc', { field: 'sortDirection' });
  const bounds = { createdAfter: time(query, 'createdAfter'), createdBefore: time(query, 'createdBefore'), updatedAfter: time(query, 'updatedAfter'), updatedBefore: time(query, 'updatedBefore') };
  for (const [name, value] of Object.entries(bounds)) {
    const needs = name.startsWith('created') ? 'createdAt' : 'updatedAt';
    if (value !== undefined && sortBy !== needs) throw badRequest(`${name} requires sortBy=${needs}`, { field: name });
  }
  const types = [...(Array.isArray(query.types) ? query.types : []), ...(text(query, 'type') ? [text(query, 'type') as string] : [])];
  const tags = text(query, 'tags')?.split(',').filter((tag) => tag !== '');
  const privacy = text(query, 'privacy');
  const equal: [string, (asset: StoredAsset) => string | undefined][] = [
    ['modelId', (asset) => asset.modelId],
    ['inferenceId', (asset) => asset.inferenceId],
    ['parentAssetId', (asset) => asset.parentId],
    ['rootAssetId', (asset) => asset.rootParentId],
    ['authorId', (asset) => asset.authorId],
  ];
  const wanted = equal.flatMap(([name, read]) => (text(query, name) === undefined ? [] : [[text(query, name), read] as const]));
  const collectionId = text(query, 'collectionId');
  return {
    order: { sortBy, direction },
    matches(asset) {
      const created = Date.parse(asset.createdAt);
      const updated = Date.parse(asset.updatedAt);
      if (bounds.createdAfter !== undefined && !(created > bounds.createdAfter)) return false;
      if (bounds.createdBefore !== undefined && !(created < bounds.createdBefore)) return false;
      if (bounds.updatedAfter !== undefined && !(updated > bounds.updatedAfter)) return false;
      if (bounds.updatedBefore !== undefined && !(updated < bounds.updatedBefore)) return false;
      if (types.length > 0 && !types.includes(asset.type)) return false;
      if (collectionId !== undefined && !asset.collectionIds.includes(collectionId)) return false;
      for (const [value, read] of wanted) if (read(asset) !== value) return false;
      // The contract: the tags filter is "only for public assets on all teams"; a team's own are private.
      if (tags !== undefined && (privacy !== 'public' || !tags.every((tag) => asset.tags.includes(tag)))) return false;
      if (privacy === 'public') return false;
      return true;
    },
  };
}

/** Sorts by the order's time, ties by id, so pages are stable. */
export function sortAssets(assets: StoredAsset[], order: AssetOrder): StoredAsset[] {
  const sign = order.direction === 'asc' ? 1 : -1;
  return assets.sort((a, b) => sign * (Date.parse(a[order.sortBy]) - Date.parse(b[order.sortBy]) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
}
