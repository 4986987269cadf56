import path from 'node:path';
import { afterEach } from 'vitest';
import { writeFileAtomic } from '../../src/main/library/atomic';
import { storeControlImage } from '../../src/main/library/controls';
import { absoluteLibraryPath, outputImageRelPath, thumbnailRelPath } from '../../src/main/library/paths';
import { makeThumbnail } from '../../src/main/library/thumbnails';
import { openStore } from '../../src/main/store';
import type { Generation, Image, Store } from '../../src/main/store';
import { SAMPLE_CONTROL_IMAGES, makePng } from './helpers';

export interface GenerationFixtureOptions {
  /** Make and record each image's thumbnail (default true). */
  thumbnails?: boolean;
  /** Width and height of each PNG (default 64). */
  size?: number;
}

/**
 * A library folder and a real SQLite store beside it, with one preset and one stored control
 * image. Given a `home`, they are laid out as an engine's home is (history.sqlite, library/).
 */
export function useLibraryWithStore(tempDir: () => Promise<string>) {
  const opened: Store[] = [];
  afterEach(() => {
    for (const store of opened.splice(0)) store.close();
  });

  return async ({ home }: { home?: string } = {}) => {
    const root = home === undefined ? await tempDir() : path.join(home, 'library');
    let time = Date.UTC(2025, 0, 15, 12);
    const clock = {
      now: () => time,
      advanceDays: (days: number) => {
        time += days * 24 * 3_600_000;
      },
    };
    const store = openStore({ file: path.join(home ?? (await tempDir()), 'history.sqlite'), now: clock.now });
    opened.push(store);
    const preset = store.presets.create({ name: 'Depth render', family: 'sd-xl', preset: { prompt: 'a house', modality: 'depth' } });
    const control = await storeControlImage(root, path.join(SAMPLE_CONTROL_IMAGES, 'depth-sphere-512.png'));
    const { input } = store.inputs.upsertBySha256({
      sha256: control.sha256,
      originalPath: path.join(SAMPLE_CONTROL_IMAGES, 'depth-sphere-512.png'),
      fileName: 'depth-sphere-512.png',
      libraryRelPath: control.relPath,
      bytes: control.bytes,
      width: control.width,
      height: control.height,
      format: control.format,
    });

    /** A generation with `imageCount` real PNGs in outputs/, done (with thumbnails unless told not to). */
    async function addGeneration(imageCount = 2, { thumbnails = true, size = 64 }: GenerationFixtureOptions = {}): Promise<{ generation: Generation; images: Image[] }> {
      const request = { modelId: 'model_abc', prompt: 'a house at dusk', modality: 'depth', seed: '7', width: 64, height: 64, numSamples: imageCount };
      const generation = store.generations.create({
        inputId: input.id,
        presetVersionId: preset.currentVersion.id,
        kind: 'hotfolder',
        requestJson: JSON.stringify(request),
        seed: '7',
        modelId: 'model_abc',
        family: 'sd-xl',
        modality: 'depth',
        prompt: request.prompt,
        state: 'downloading',
      });
      const images: Image[] = [];
      for (let index = 0; index < imageCount; index += 1) {
        const relPath = outputImageRelPath({ createdAt: new Date(generation.createdAt), presetName: preset.name, generationId: generation.id, index });
        await writeFileAtomic(absoluteLibraryPath(root, relPath), await makePng(size, size, generation.id * 10 + index));
        const image = store.images.add(generation.id, { idx: index, relPath, assetId: `asset_${generation.id}_${index}` });
        if (thumbnails) {
          const thumbRelPath = thumbnailRelPath(relPath);
          await makeThumbnail(absoluteLibraryPath(root, relPath), absoluteLibraryPath(root, thumbRelPath));
          store.images.setThumbnail(image.id, thumbRelPath);
        }
        images.push(store.images.get(image.id) as Image);
      }
      const done = store.generations.transition(generation.id, 'done', { jobId: `job_${generation.id}`, costCu: 4 * imageCount });
      return { generation: done, images };
    }

    /** Writes a file the store knows nothing about. */
    async function addStrayFile(relPath: string, contents = 'stray'): Promise<void> {
      await writeFileAtomic(absoluteLibraryPath(root, relPath), Buffer.from(contents));
    }

    return { root, store, clock, preset, input, control, addGeneration, addStrayFile };
  };
}
