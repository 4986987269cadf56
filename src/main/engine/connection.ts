import type { ScenarioConnection } from './engine';
import { API_KEY_ENV, API_SECRET_ENV, type ApiCredentials } from './handlers-context';

export const DEFAULT_API_URL = 'https://api.cloud.scenario.com/v1';
export const API_URL_ENV = 'SCENARIO_API_URL';

/** Scenario's address: SCENARIO_API_URL (tests, proxies) or the public API. */
export function apiUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env[API_URL_ENV]?.trim() || DEFAULT_API_URL;
}

/** A connection for these credentials, or null when there are none (the history stays readable). */
export function connectionFor(credentials: ApiCredentials | null, env: NodeJS.ProcessEnv = process.env): ScenarioConnection | null {
  return credentials ? { baseUrl: apiUrlFromEnv(env), ...credentials } : null;
}

/** Credentials from the environment only: a secret on a command line would land in shell history. */
export function scenarioFromEnv(env: NodeJS.ProcessEnv = process.env): ScenarioConnection | null {
  const apiKey = env[API_KEY_ENV]?.trim();
  const apiSecret = env[API_SECRET_ENV]?.trim();
  return connectionFor(apiKey && apiSecret ? { apiKey, apiSecret } : null, env);
}
