/**
 * A faithful local Scenario API on 127.0.0.1 for tests, benchmarks and the demo. Validation
 * comes from contract-data.json (structure copied from Scenario's OpenAPI file), never from the
 * client's schemas.
 */
import type { FaultSpec, ScriptedFault } from './faults';
import { SimulatorServer, type GenerateLogEntry, type SimulatorOptions } from './server';
import type { TeamHistorySpec } from './team';

export { parseFaultSpec, FaultSpecError, type FaultSpec } from './faults';
export { creativeUnitsCost, type CostInputs } from './cost';
export { SEEDED_MODELS, DEFAULT_MODEL_ID, type SimulatedModel } from './models';
export { FAMILY_RULES, familyOfType, type Family } from './families';
export type { GenerateLogEntry, SimulatorOptions } from './server';
export { PRIMARY_AUTHOR_ID, DEFAULT_OTHER_AUTHORS, type TeamHistorySpec, type TeamMember } from './team';

export interface RunningSimulator {
  /** `http://127.0.0.1:PORT/v1` */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Every accepted generate, dry runs included (dryRun true, jobId null). */
  generateLog: readonly GenerateLogEntry[];
  setFaults(spec: FaultSpec | string): void;
  setLatency(ms: number): void;
  setUrlTtl(ms: number): void;
  /** Finished generations by other members of the team (also `POST /_simulator/team/history`). */
  seedTeamHistory(spec: TeamHistorySpec): Promise<{ jobIds: string[]; controlAssetIds: string[] }>;
  /** Refuses the key (401) until called again with false: a key disabled in Scenario, then enabled again. */
  setKeyRefused(refused: boolean): void;
  /** The next generate POSTs (dry runs aside) answer 429 or 503, in this order, before any drawn fault. */
  scriptGenerateFaults(faults: readonly ScriptedFault[]): void;
  /** Requests received so far, and those not yet answered. */
  readonly traffic: { readonly received: number; readonly open: number };
  /** Stops listening and drops connections, keeping every job, asset and upload. */
  suspend(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const server = new SimulatorServer(options);
  await server.listen();
  return {
    baseUrl: `${server.origin}/v1`,
    apiKey: server.apiKey,
    apiSecret: server.apiSecret,
    generateLog: server.generateLog,
    setFaults: (spec) => server.setFaults(spec),
    setLatency: (ms) => server.setLatency(ms),
    setUrlTtl: (ms) => server.setUrlTtl(ms),
    seedTeamHistory: (spec) => server.seedTeamHistory(spec),
    setKeyRefused: (refused) => server.setKeyRefused(refused),
    scriptGenerateFaults: (faults) => server.scriptGenerateFaults(faults),
    traffic: server.traffic,
    suspend: () => server.stopListening(),
    resume: () => server.listen(),
    close: () => server.close(),
  };
}
