/**
 * The structure of Scenario's contract (types, required, enums, ranges) as copied by
 * scripts/extract-contract.ts. The simulator validates requests from this data, never from
 * the client's schemas, so a client bug cannot be mirrored by the server that tests it.
 */
import contractData from './contract-data.json' with { type: 'json' };

export interface SchemaNode {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

export type RequestDefinition =
  | 'PostControlnetInferencesRequest'
  | 'PostAssetRequest'
  | 'PostAssetGetBulkRequest'
  | 'PostUploadsRequest'
  | 'PostUploadsActionRequest'
  | 'PostJobActionByJobIdRequest'
  | 'PutAssetsTagsByAssetIdRequest'
  | 'PostCollectionRequest'
  | 'PutCollectionsByCollectionIdRequest'
  | 'PutAssetsByCollectionIdRequest'
  | 'DeleteAssetsByCollectionIdRequest'
  | 'PostDetectInferencesRequest';

export type ResponseDefinition =
  | 'PostControlnetInferencesResponse'
  | 'DryRunResponse'
  | 'GetJobsResponse'
  | 'GetJobIdResponse'
  | 'PostJobActionByJobIdResponse'
  | 'PostAssetResponse'
  | 'GetAssetsByAssetIdResponse'
  | 'GetAssetBulkResponse'
  | 'PostUploadsResponse'
  | 'GetUploadsByIdResponse'
  | 'PostUploadsActionResponse'
  | 'GetModelsResponse'
  | 'GetModelsByModelIdResponse'
  | 'GetAssetsResponse'
  | 'PutAssetsTagsByAssetIdResponse'
  | 'GetCollectionsResponse'
  | 'PostCollectionResponse'
  | 'GetCollectionsByCollectionIdResponse'
  | 'PutCollectionsByCollectionIdResponse'
  | 'DeleteCollectionResponse'
  | 'PutAssetsByCollectionIdResponse'
  | 'DeleteAssetsByCollectionIdResponse';

/** Listings whose query parameters are checked (by the contract's operationId). */
export type QueryOperation = 'GetJobs' | 'GetAssets' | 'GetCollections';

interface ContractData {
  version: string;
  requests: Record<RequestDefinition, SchemaNode>;
  responses: Record<ResponseDefinition, SchemaNode>;
  queries: Record<QueryOperation, SchemaNode>;
}

const contract = contractData as unknown as ContractData;

export function requestSchema(name: RequestDefinition): SchemaNode {
  return contract.requests[name];
}

export function responseSchema(name: ResponseDefinition): SchemaNode {
  return contract.responses[name];
}

/** An object schema whose properties are the operation's query parameters. */
export function querySchema(name: QueryOperation): SchemaNode {
  return contract.queries[name];
}
