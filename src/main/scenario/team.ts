/**
 * The team's shared state on Scenario (NOTES.md, "Shared state on Scenario's side"): every
 * member's assets with their tags and collections, listed with the contract's filters.
 */
import { z } from 'zod';
import type { ScenarioHttp } from './http.js';
import { paginate } from './jobs.js';
import { assetSchema, parseReply } from './schemas.js';

/** An asset as a listing gives it: what the team's history reads (lineage, tags, collections, author). */
export const teamAssetSchema = assetSchema.extend({
  authorId: z.string().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  tags: z.array(z.string()).default([]),
  collectionIds: z.array(z.string()).default([]),
  outputIndex: z.number().optional(),
  properties: z.looseObject({ width: z.number().optional(), height: z.number().optional() }).optional(),
  metadata: z
    .looseObject({
      parentId: z.string().optional(),
      rootParentId: z.string().optional(),
      parentJobId: z.string().optional(),
    })
    .optional(),
});
export type TeamAsset = z.infer<typeof teamAssetSchema>;

const assetsPageSchema = z.looseObject({ assets: z.array(teamAssetSchema), nextPaginationToken: z.string().optional() });
export type AssetsPage = z.infer<typeof assetsPageSchema>;
const bulkSchema = z.looseObject({ assets: z.array(teamAssetSchema) });
const tagsAnswerSchema = z.looseObject({ added: z.array(z.string()), deleted: z.array(z.string()) });
const collectionSchema = z.looseObject({ id: z.string().min(1), name: z.string() });
export type TeamCollection = z.infer<typeof collectionSchema>;
const collectionAnswerSchema = z.looseObject({ collection: collectionSchema });
const collectionsPageSchema = z.looseObject({ collections: z.array(collectionSchema), nextPaginationToken: z.string().optional() });

export interface ListAssetsQuery {
  sortBy?: 'createdAt' | 'updatedAt';
  sortDirection?: 'asc' | 'desc';
  createdAfter?: string;
  updatedAfter?: string;
  authorId?: string;
  collectionId?: string;
  pageSize?: number;
  paginationToken?: string;
}

export async function listAssets(http: ScenarioHttp, query: ListAssetsQuery, signal?: AbortSignal): Promise<AssetsPage> {
  const what = 'the list of assets';
  const reply = await http.send({ method: 'GET', path: '/assets', query: { ...query }, what, signal });
  return parseReply(assetsPageSchema, reply.body, what);
}

const BULK_MAX = 200;

/** Assets by id with their tags, collections and lineage, 200 per request; unknown ids are left out. */
export async function getTeamAssets(http: ScenarioHttp, assetIds: readonly string[], signal?: AbortSignal): Promise<TeamAsset[]> {
  const assets: TeamAsset[] = [];
  for (let start = 0; start < assetIds.length; start += BULK_MAX) {
    const what = 'a list of assets';
    const reply = await http.send({ method: 'POST', path: '/assets/get-bulk', body: JSON.stringify({ assetIds: assetIds.slice(start, start + BULK_MAX) }), what, signal });
    assets.push(...parseReply(bulkSchema, reply.body, what).assets);
  }
  return assets;
}

/** Adds and deletes tags on an asset. Not strict: a tag already there (or already gone) is no error, so a resend is harmless. */
export async function putAssetTags(http: ScenarioHttp, assetId: string, change: { add?: string[]; delete?: string[] }, signal?: AbortSignal): Promise<void> {
  const what = `the tags of asset ${assetId}`;
  const reply = await http.send({ method: 'PUT', path: `/assets/${encodeURIComponent(assetId)}/tags`, body: JSON.stringify({ ...change, strict: false }), what, signal });
  parseReply(tagsAnswerSchema, reply.body, what);
}

export async function listCollections(http: ScenarioHttp, signal?: AbortSignal): Promise<TeamCollection[]> {
  const what = 'the list of collections';
  const fetchPage = async (paginationToken: string | undefined) =>
    parseReply(collectionsPageSchema, (await http.send({ method: 'GET', path: '/collections', query: { pageSize: 100, paginationToken }, what, signal })).body, what);
  const collections: TeamCollection[] = [];
  for await (const page of paginate(fetchPage, 'collections')) collections.push(...page.collections);
  return collections;
}

export async function createCollection(http: ScenarioHttp, name: string, signal?: AbortSignal): Promise<TeamCollection> {
  const what = `the new collection "${name}"`;
  const reply = await http.send({ method: 'POST', path: '/collections', body: JSON.stringify({ name }), what, signal });
  return parseReply(collectionAnswerSchema, reply.body, what).collection;
}

export async function addToCollection(http: ScenarioHttp, collectionId: string, assetIds: readonly string[], signal?: AbortSignal): Promise<void> {
  const what = `the collection ${collectionId}`;
  const reply = await http.send({ method: 'PUT', path: `/collections/${encodeURIComponent(collectionId)}/assets`, body: JSON.stringify({ assetIds }), what, signal });
  parseReply(collectionAnswerSchema, reply.body, what);
}
