/**
 * Scenario's API key and secret as the engine passes them around, and where the environment
 * holds them. Shared by the connection (which opens a client with them) and the hosts' credential
 * adapters, so neither needs the other.
 */
export interface ApiCredentials {
  apiKey: string;
  apiSecret: string;
}

export const API_KEY_ENV = 'SCENARIO_API_KEY';
export const API_SECRET_ENV = 'SCENARIO_API_SECRET';

/** The last four characters of a key: enough to tell keys apart, too few to be worth stealing. */
export function apiKeyHint(apiKey: string): string {
  return apiKey.length <= 4 ? '…' : `…${apiKey.slice(-4)}`;
}
