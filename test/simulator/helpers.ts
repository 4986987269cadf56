/** Shared helpers of the simulator tests: real HTTP against a real simulator. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RunningSimulator } from '../../src/main/simulator/index';

export const CONTROL_IMAGES = resolve(import.meta.dirname, '../../../shared/control-images');

/** A real control map when ../shared exists, else a tiny PNG made on the spot. */
export function controlPng(name = 'depth-sphere-512.png'): Buffer {
  return readFileSync(resolve(CONTROL_IMAGES, name));
}

export function dataUrl(bytes: Buffer, mime = 'image/png'): string {
  return `data:${mime};base64,${bytes.toString('base64')}`;
}

export function authHeader(sim: Pick<RunningSimulator, 'apiKey' | 'apiSecret'>): string {
  return `Basic ${Buffer.from(`${sim.apiKey}:${sim.apiSecret}`).toString('base64')}`;
}

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function api(sim: RunningSimulator, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const response = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: { authorization: authHeader(sim), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export async function waitForJob(sim: RunningSimulator, jobId: string, timeoutMs = 5000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api(sim, 'GET', `/jobs/${jobId}`);
    const job = body.job as Record<string, unknown>;
    if (['success', 'failure', 'canceled'].includes(String(job.status))) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${String(job.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
