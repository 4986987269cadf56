/**
 * A realistic history for the benchmarks: bench/history.ts measures its queries, bench/cli-startup.ts
 * the CLI's start on it. Deterministic (bench/random.ts), so runs are comparable.
 */
import { performance } from 'node:perf_hooks';
import type { GenerationState, Store } from '../src/main/store';
import { pick, random } from './random';

export const IMAGES_PER_GENERATION = 4;
/** The store's clock: the build sets it to spread history over two years. */
export const libraryClock = { now: Date.now() };

export const SUBJECTS = ['a gothic cathedral', 'a chrome robot', 'a red fox', 'an old lighthouse', 'a samurai warrior', 'a floating island', 'a vintage car', 'a dragon', 'a cozy cabin', 'a space station', 'a market street', 'a knight in armor', 'a crystal cave', 'a steam locomotive', 'a jellyfish', 'a desert temple', 'a treehouse village', 'a cyberpunk alley', 'a porcelain doll', 'a mountain monastery', 'an owl', 'a sailing ship', 'a futuristic sneaker', 'a bonsai tree', 'a wizard tower', 'a coral reef', 'a medieval castle', 'a neon diner', 'a glass greenhouse', 'a polar bear'];
export const SETTINGS = ['at dusk', 'in heavy rain', 'on a misty hill', 'under the northern lights', 'in a snowy forest', 'by the sea', 'in a busy city', 'on mars', 'inside a cathedral', 'in a sunflower field', 'at golden hour', 'under a full moon', 'in a swamp', 'on a rooftop', 'in the clouds'];
export const STYLES = ['photorealistic', 'watercolor', 'oil painting', 'isometric 3d render', 'pixel art', 'studio ghibli style', 'concept art', 'ink sketch', 'low poly', 'art nouveau', 'cinematic still', 'claymation', 'ukiyo-e woodblock', 'vaporwave', 'matte painting'];
export const DETAILS = ['volumetric light', 'highly detailed', '8k', 'soft shadows', 'dramatic lighting', 'bokeh', 'wide angle', 'symmetrical', 'vivid colors', 'muted palette', 'rim light', 'depth of field'];
export const NEGATIVES = ['blurry', 'low quality, jpeg artifacts', 'extra fingers, deformed hands', 'watermark, text', 'oversaturated', ''];
export const TAGS = ['portfolio', 'client-acme', 'client-globex', 'moodboard', 'wip', 'keeper', 'print', 'social', 'reference', 'rejected', 'hero-shot', 'series-a', 'series-b', 'night', 'architecture', 'characters', 'vehicles', 'nature', 'sci-fi', 'fantasy'];
export const FAMILIES = [
  { family: 'sd-1_5', modalities: ['canny', 'pose', 'depth', 'lineart', 'scribble', 'character', 'depth:0.5,pose:1.0'] },
  { family: 'sd-xl', modalities: ['canny', 'pose', 'depth', 'seg', 'scribble', 'landscape'] },
  { family: 'flux', modalities: ['canny', 'tile', 'depth', 'blur', 'pose', 'gray'] },
] as const;
export const STATES: GenerationState[] = ['done', 'done', 'done', 'done', 'done', 'done', 'done', 'done', 'failed', 'canceled', 'done', 'outcome-unknown'];

/** Milliseconds `work` takes. */
export function time(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

/**
 * Fills `store` with `generations` generations over two years (25 presets, 40 models, 6 folders,
 * 4 images each when done, tags, ratings, favourites). Open the store with `now: () => libraryClock.now`.
 */
export function populate(store: Store, generations: number) {
  const models = Array.from({ length: 40 }, (_, i) => {
    const { family, modalities } = FAMILIES[i % FAMILIES.length]!;
    return { id: `model_${i.toString(36).padStart(4, 'x')}`, name: `${pick(['Real', 'Dream', 'Toon', 'Archi', 'Neo', 'Mystic'])} ${family.toUpperCase()} ${i}`, family, modalities };
  });
  const presetVersions = Array.from({ length: 25 }, (_, i) => {
    const model = models[i % models.length]!;
    let preset = store.presets.create({ name: `Preset ${i} ${pick(STYLES)}`, family: model.family, preset: { modelId: model.id, guidance: 7 } });
    if (i % 3 === 0) preset = store.presets.update(preset.id, { name: preset.name, family: model.family, preset: { modelId: model.id, guidance: 6 } });
    return { versionId: preset.currentVersion.id, presetId: preset.id, model };
  });
  const folderIds = Array.from({ length: 6 }, (_, i) =>
    store.folders.add({ path: `/Users/me/HotFolders/${['sketches', 'poses', 'depth', 'client', 'archive', 'inbox'][i]}`, presetIds: [presetVersions[i]!.presetId] }).id,
  );
  const inputCount = Math.max(1, Math.floor(generations / 5));
  const inputIds: number[] = [];
  store.transaction(() => {
    for (let i = 0; i < inputCount; i += 1) {
      const fileName = random() < 0.5 ? `IMG_${String(1000 + i).padStart(5, '0')}.png` : `${pick(['sketch', 'pose', 'layout', 'depthmap', 'lineart'])}_${pick(SUBJECTS).split(' ').at(-1)}_${i}.png`;
      inputIds.push(
        store.inputs.upsertBySha256({ sha256: i.toString(16).padStart(64, '0'), originalPath: `/Users/me/HotFolders/inbox/${fileName}`, fileName, libraryRelPath: `inputs/${i}.png`, bytes: 200_000, width: 1024, height: 1024, format: 'png' }).input.id,
      );
    }
  });

  // Two years of history, newest last; bursts share a timestamp like a folder drop does.
  const start = Date.now() - 2 * 365 * 24 * 3600 * 1000;
  const step = (2 * 365 * 24 * 3600 * 1000) / generations;
  const batch = 5000;
  // People tag a selection after the fact, so tags are applied at the end, 1,000 at a time.
  const taggings = new Map<string, number[]>();
  for (let offset = 0; offset < generations; offset += batch) {
    const lap = performance.now();
    store.transaction(() => {
      for (let i = offset; i < Math.min(generations, offset + batch); i += 1) {
        const { versionId, model } = pick(presetVersions);
        const prompt = `${pick(SUBJECTS)} ${pick(SETTINGS)}, ${pick(STYLES)}, ${pick(DETAILS)}, ${pick(DETAILS)}`;
        const modality = pick(model.modalities);
        const generationSeed = String(Math.floor(random() * 2 ** 31));
        const state = pick(STATES);
        libraryClock.now = start + Math.floor(i / 3) * 3 * step; // groups of three share created_at
        const generation = store.generations.create({
          inputId: pick(inputIds),
          presetVersionId: versionId,
          folderId: random() < 0.8 ? pick(folderIds) : null,
          kind: random() < 0.9 ? 'hotfolder' : pick(['manual', 'reproduction', 'variation'] as const),
          requestJson: JSON.stringify({ modelId: model.id, prompt, modality, seed: generationSeed, numSamples: IMAGES_PER_GENERATION, image: `asset_${i}` }),
          seed: generationSeed,
          modelId: model.id,
          modelName: model.name,
          family: model.family,
          modality,
          prompt,
          negativePrompt: pick(NEGATIVES) || null,
          state,
          simulated: random() < 0.1,
        });
        if (state === 'done') {
          for (let idx = 0; idx < IMAGES_PER_GENERATION; idx += 1) {
            const image = store.images.add(generation.id, { assetId: `asset_${i}_${idx}`, idx, relPath: `outputs/2025/${generation.id}_${idx}.png`, width: 1024, height: 1024, bytes: 1_400_000, sha256: `${generation.id}`.padStart(64, 'e') });
            store.images.setThumbnail(image.id, `thumbs/${generation.id}_${idx}.webp`);
          }
        }
        if (random() < 0.05) store.organise.setFavourite([generation.id], true);
        if (random() < 0.2) store.organise.setRating([generation.id], 1 + Math.floor(random() * 5));
        if (random() < 0.25) {
          for (const tag of new Set([pick(TAGS), pick(TAGS)])) {
            const tagged = taggings.get(tag) ?? [];
            tagged.push(generation.id);
            taggings.set(tag, tagged);
          }
        }
      }
    });
    process.stdout.write(`\r  built ${Math.min(generations, offset + batch).toLocaleString()} (last ${batch.toLocaleString()} in ${Math.round(performance.now() - lap)} ms)   `);
  }
  process.stdout.write('\n');
  const tagTimes: number[] = [];
  for (const [tag, ids] of taggings) {
    for (let start = 0; start < ids.length; start += 1000) {
      const selection = ids.slice(start, start + 1000);
      const ms = time(() => store.organise.tag(selection, [tag]));
      if (selection.length === 1000) tagTimes.push(ms);
    }
  }
  return { models, presetVersions, folderIds, tagTimes };
}
