// Two libraries on two members' keys share one simulated team: after `sync` (real CLI processes)
// each sees the other's generations, tags and collections, and reproduces the other's exactly.
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { absoluteLibraryPath } from '../../src/main/library';
import { TEST_PRESET, controlPng, useSimulatorAndTempDir } from '../pipeline/helpers';
import { api } from '../simulator/helpers';
import { runCli } from '../cli/run-cli';
import { withLibrary } from './helpers';

const ana = { authorId: 'user_ana', apiKey: 'ana-key', apiSecret: 'ana-secret' };
const ben = { authorId: 'user_ben', apiKey: 'ben-key', apiSecret: 'ben-secret' };
const rig = useSimulatorAndTempDir('shf-sync-team-', { latencyMs: 20, members: [ana, ben] });

function envOf(member: { apiKey: string; apiSecret: string }): NodeJS.ProcessEnv {
  return { SCENARIO_API_URL: rig.sim.baseUrl, SCENARIO_API_KEY: member.apiKey, SCENARIO_API_SECRET: member.apiSecret, SCENARIO_HOTFOLDER_POLL_MS: '20' };
}


async function generateIn(home: string, member: { apiKey: string; apiSecret: string }, n: number): Promise<number> {
  withLibrary(home, (store) => store.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: { ...TEST_PRESET, prompt: `a house by ${n}` } }));
  const image = path.join(rig.dir, `pose-${n}.png`);
  await writeFile(image, await controlPng(n));
  const run = await runCli(['--home', home, 'generate', image, '--preset', TEST_PRESET.name], { env: envOf(member) });
  expect(run.code, run.stderr).toBe(0);
  return withLibrary(home, (store) => store.generations.listByStates(['done'])[0]!.id);
}

async function sync(home: string, member: { apiKey: string; apiSecret: string }): Promise<Record<string, unknown>> {
  const run = await runCli(['--home', home, '--json', 'sync'], { env: envOf(member) });
  expect(run.code, run.stderr).toBe(0);
  const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const synced = lines.find((line) => line.event === 'synced');
  expect(synced).toBeDefined();
  expect(lines.some((line) => line.event === 'progress')).toBe(true);
  return synced as Record<string, unknown>;
}

describe('one history for a whole team', () => {
  it('two libraries see each other\'s generations, tags and collections after sync, and reproduce each other\'s exactly', { timeout: 120_000 }, async () => {
    const homeA = path.join(rig.dir, 'ana');
    const homeB = path.join(rig.dir, 'ben');
    const anaGeneration = await generateIn(homeA, ana, 1);
    await generateIn(homeB, ben, 2);

    // Ana tags hers here and makes it a favourite (as the window does); a rating stays local.
    withLibrary(homeA, (store) => {
      store.organise.tag([anaGeneration], ['hero']);
      store.organise.setFavourite([anaGeneration], true);
      store.organise.setRating([anaGeneration], 4);
    });
    const firstA = await sync(homeA, ana);
    expect(firstA.imported).toBe(1); // Ben's
    expect(firstA.tagChangesSent).toBe(2);

    // Ben's first sync: Ana's generation with its tags, author and origin, images downloaded.
    const firstB = await sync(homeB, ben);
    expect(firstB.imported).toBe(1);
    const anaJob = withLibrary(homeA, (store) => store.generations.get(anaGeneration)!.jobId);
    const seenByBen = withLibrary(homeB, (store) => {
      const page = store.galleryPage({ limit: 50, filters: { imported: true } });
      expect(page.items).toHaveLength(1);
      const item = page.items[0]!;
      const generation = store.generations.get(item.id)!;
      const detail = store.generationDetail(item.id)!;
      return { item, generation, detail, libraryRoot: path.join(homeB, 'library') };
    });
    expect(seenByBen.generation.jobId).toBe(anaJob);
    expect(seenByBen.item.authorId).toBe('user_ana');
    expect(seenByBen.item.origin).toBe('another-machine');
    expect(seenByBen.item.tags).toEqual(['hero']);
    expect(seenByBen.item.favourite).toBe(true);
    expect(seenByBen.item.rating).toBe(0);
    expect(seenByBen.generation.notReproducible).toBeNull();
    for (const image of seenByBen.detail.images) {
      expect(image.missing).toBe(false);
      expect(existsSync(absoluteLibraryPath(seenByBen.libraryRoot, image.relPath))).toBe(true);
    }
    const listed = await runCli(['--home', homeB, 'history'], { env: envOf(ben) });
    expect(listed.stdout).toMatch(/from another machine, by user_ana/);

    // Ben tags Ana's generation in Scenario's web app and puts Ana's generation in a collection from his library.
    const anaAsset = seenByBen.detail.images[0]!.assetId!;
    expect((await api({ ...rig.sim, apiKey: ben.apiKey, apiSecret: ben.apiSecret }, 'PUT', `/assets/${anaAsset}/tags`, { add: ['approved'] })).status).toBe(200);
    const collected = await runCli(['--home', homeB, '--json', 'collections', 'add', 'Keepers', String(seenByBen.item.id)], { env: envOf(ben) });
    expect(collected.code, collected.stderr).toBe(0);
    expect(JSON.parse(collected.stdout)).toMatchObject({ name: 'Keepers', generations: 1, created: true });

    // Ana's next sync sees both, and the collection filters her history.
    const secondA = await sync(homeA, ana);
    expect(secondA.imported).toBe(0);
    expect(secondA.assetsChanged).toBeGreaterThanOrEqual(1);
    withLibrary(homeA, (store) => {
      expect(store.galleryPage({ limit: 50, filters: { tag: 'approved' } }).items.map((item) => item.id)).toEqual([anaGeneration]);
      expect(store.organise.listTags().map((tag) => tag.name).sort()).toEqual(['approved', 'hero']);
      expect(store.generations.get(anaGeneration)?.rating).toBe(4);
    });
    const inCollection = await runCli(['--home', homeA, '--json', 'history', '--collection', 'Keepers'], { env: envOf(ana) });
    expect(inCollection.code, inCollection.stderr).toBe(0);
    expect((JSON.parse(inCollection.stdout) as { id: number }[]).map((item) => item.id)).toEqual([anaGeneration]);

    // Ben reproduces Ana's generation: Scenario receives the very same body.
    const reproduced = await runCli(['--home', homeB, 'reproduce', String(seenByBen.item.id)], { env: envOf(ben) });
    expect(reproduced.code, reproduced.stderr).toBe(0);
    const sent = rig.sim.generateLog.filter((entry) => !entry.dryRun);
    const original = sent.find((entry) => entry.jobId === anaJob)!;
    expect(sent.at(-1)?.bodySha256).toBe(original.bodySha256);
    expect(sent.filter((entry) => entry.bodySha256 === original.bodySha256)).toHaveLength(2);

    // A sync after all this imports nothing twice.
    const thirdB = await sync(homeB, ben);
    expect(thirdB.imported).toBe(0);
    withLibrary(homeB, (store) => {
      const jobIds = store.galleryPage({ limit: 500 }).items.map((item) => store.generations.get(item.id)!.jobId);
      expect(new Set(jobIds).size).toBe(jobIds.length);
    });
  });
});
