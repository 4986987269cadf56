/**
 * Copies the STRUCTURE (types, required, enums, ranges, nesting) of the request and response
 * bodies the simulator serves out of Scenario's OpenAPI file into
 * src/main/simulator/contract-data.json. Descriptions and examples are left behind on purpose:
 * the simulator validates from this data, never from the client's own schemas, so a client
 * bug cannot be mirrored by the server that tests it.
 *
 *   npx tsx scripts/extract-contract.ts [path/to/scenario-openapi-subset.yaml]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_CONTRACT_PATH = resolve(repoRoot, '../shared/scenario-api/scenario-openapi-subset.yaml');
export const CONTRACT_DATA_PATH = resolve(repoRoot, 'src/main/simulator/contract-data.json');

export const REQUEST_DEFINITIONS = [
  'PostControlnetInferencesRequest',
  'PostAssetRequest',
  'PostAssetGetBulkRequest',
  'PostUploadsRequest',
  'PostUploadsActionRequest',
  'PostJobActionByJobIdRequest',
  'PutAssetsTagsByAssetIdRequest',
  'PostCollectionRequest',
  'PutCollectionsByCollectionIdRequest',
  'PutAssetsByCollectionIdRequest',
  'DeleteAssetsByCollectionIdRequest',
  'PostDetectInferencesRequest',
] as const;

/** Responses are kept too so tests can check that what the simulator answers fits the contract. */
export const RESPONSE_DEFINITIONS = [
  'PostControlnetInferencesResponse',
  'DryRunResponse',
  'GetJobsResponse',
  'GetJobIdResponse',
  'PostJobActionByJobIdResponse',
  'PostAssetResponse',
  'GetAssetsByAssetIdResponse',
  'GetAssetBulkResponse',
  'PostUploadsResponse',
  'GetUploadsByIdResponse',
  'PostUploadsActionResponse',
  'GetModelsResponse',
  'GetModelsByModelIdResponse',
  'GetAssetsResponse',
  'PutAssetsTagsByAssetIdResponse',
  'GetCollectionsResponse',
  'PostCollectionResponse',
  'GetCollectionsByCollectionIdResponse',
  'PutCollectionsByCollectionIdResponse',
  'DeleteCollectionResponse',
  'PutAssetsByCollectionIdResponse',
  'DeleteAssetsByCollectionIdResponse',
] as const;

/** Listings whose query parameters the simulator checks (by operationId): names, types, enums. */
export const QUERY_OPERATIONS = ['GetJobs', 'GetAssets', 'GetCollections'] as const;

/** The only keys of a schema node that describe structure. */
const STRUCTURAL_KEYS = ['type', 'required', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'default', 'properties', 'items'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function structureOf(node: unknown, definitions: Record<string, unknown>, where: string): Json {
  if (!isObject(node)) throw new Error(`${where}: not a schema object`);
  const ref = node['$ref'];
  if (typeof ref === 'string') {
    const name = ref.replace('#/definitions/', '');
    return structureOf(definitions[name], definitions, `${where} -> ${name}`);
  }
  const out: { [key: string]: Json } = {};
  for (const key of STRUCTURAL_KEYS) {
    const value = node[key];
    if (value === undefined) continue;
    if (key === 'properties') {
      if (!isObject(value)) throw new Error(`${where}: properties is not an object`);
      const properties: { [key: string]: Json } = {};
      for (const name of Object.keys(value).sort()) {
        properties[name] = structureOf(value[name], definitions, `${where}.${name}`);
      }
      out.properties = properties;
    } else if (key === 'items') {
      out.items = structureOf(value, definitions, `${where}[]`);
    } else if (key === 'required') {
      // A parameter's `required` is a boolean about the parameter itself, not a list of fields.
      if (Array.isArray(value)) out.required = [...value].map(String).sort();
    } else {
      out[key] = value as Json;
    }
  }
  return out;
}

/** The query parameters of one operation, as an object schema keyed by parameter name. */
function queryOf(document: Record<string, unknown>, operationId: string): Json {
  const paths = isObject(document.paths) ? document.paths : {};
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue;
    for (const operation of Object.values(item)) {
      if (!isObject(operation) || operation.operationId !== operationId) continue;
      const parameters = Array.isArray(operation.parameters) ? operation.parameters.filter(isObject) : [];
      const properties: { [key: string]: Json } = {};
      for (const parameter of parameters.filter((entry) => entry.in === 'query').sort((a, b) => String(a.name).localeCompare(String(b.name)))) {
        properties[String(parameter.name)] = structureOf(parameter, {}, `${operationId}.${String(parameter.name)}`);
      }
      return { type: 'object', properties };
    }
  }
  throw new Error(`No operation ${operationId} in the contract file`);
}

export function extractContract(yamlText: string): Json {
  const document: unknown = parse(yamlText);
  if (!isObject(document) || !isObject(document.definitions)) throw new Error('No definitions in the contract file');
  const definitions = document.definitions;
  const pick = (names: readonly string[]): { [key: string]: Json } =>
    Object.fromEntries(names.map((name) => [name, structureOf(definitions[name], definitions, name)]));
  return {
    source: 'scenario-openapi-subset.yaml (structure only, generated by scripts/extract-contract.ts)',
    version: isObject(document.info) ? String(document.info.version) : 'unknown',
    requests: pick(REQUEST_DEFINITIONS),
    responses: pick(RESPONSE_DEFINITIONS),
    queries: Object.fromEntries(QUERY_OPERATIONS.map((operationId) => [operationId, queryOf(document, operationId)])),
  };
}

export function renderContractData(yamlText: string): string {
  return `${JSON.stringify(extractContract(yamlText), null, 1)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const input = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_CONTRACT_PATH;
  writeFileSync(CONTRACT_DATA_PATH, renderContractData(readFileSync(input, 'utf8')));
  console.log(`wrote ${CONTRACT_DATA_PATH}`);
}
