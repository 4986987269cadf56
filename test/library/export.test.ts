import { createHash } from 'node:crypto';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LibraryError } from '../../src/main/library/errors';
import type { ExportedGeneration } from '../../src/main/library/export';
import { exportGenerations, generationIdsMatching } from '../../src/main/library/export';
import { absoluteLibraryPath } from '../../src/main/library/paths';
import { exportPresetsToFile, importPresetsFromFile } from '../../src/main/library/preset-files';
import { trashGenerations } from '../../src/main/library/trash';
import { useTempDirs } from './helpers';
import { useLibraryWithStore } from './library-fixture';

const tempDir = useTempDirs();
const libraryWithStore = useLibraryWithStore(tempDir);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('exportGenerations', () => {
  it('zips images, each control image once, and metadata.json', async () => {
    const { root, store, control, preset, addGeneration } = await libraryWithStore();
    const first = await addGeneration(2);
    const second = await addGeneration(1);
    await addGeneration(1); // not exported

    const destination = path.join(await tempDir(), 'export.zip');
    const report = await exportGenerations(root, store, [first.generation.id, second.generation.id], destination, { appVersion: '0.1.0' });
    expect(report).toMatchObject({ generations: 2, images: 3, controls: 1, missingFiles: [] });

    const files = unzipSync(await readFile(destination));
    const imageNames = [...first.images, ...second.images].map((image) => `images/${path.posix.basename(image.relPath)}`);
    expect(Object.keys(files).sort()).toEqual([`controls/${path.posix.basename(control.relPath)}`, ...imageNames, 'metadata.json'].sort());
    for (const image of [...first.images, ...second.images]) {
      const zipped = files[`images/${path.posix.basename(image.relPath)}`]!;
      expect(sha256(zipped)).toBe(sha256(await readFile(absoluteLibraryPath(root, image.relPath))));
      expect((await sharp(zipped).metadata()).format).toBe('png');
    }
    expect(sha256(files[`controls/${path.posix.basename(control.relPath)}`]!)).toBe(control.sha256);

    const metadata = JSON.parse(strFromU8(files['metadata.json']!)) as { format: string; appVersion: string; generations: ExportedGeneration[] };
    expect(metadata.format).toBe('scenario-hotfolder/generations');
    expect(metadata.appVersion).toBe('0.1.0');
    expect(metadata.generations.map((entry) => entry.id)).toEqual([first.generation.id, second.generation.id]);
    const [entry] = metadata.generations;
    expect(entry).toMatchObject({
      request: JSON.parse(first.generation.requestJson),
      seed: '7',
      model: { id: 'model_abc' },
      preset: { id: preset.id, name: 'Depth render', version: 1 },
      jobId: `job_${first.generation.id}`,
      costCu: 8,
      state: 'done',
      input: { sha256: control.sha256, file: `controls/${path.posix.basename(control.relPath)}` },
      images: [
        { index: 0, assetId: first.images[0]!.assetId, file: imageNames[0] },
        { index: 1, assetId: first.images[1]!.assetId, file: imageNames[1] },
      ],
    });
    expect(entry?.timings.createdAt).toBe(new Date(first.generation.createdAt).toISOString());
  });

  it('exports what a gallery filter selects, including trashed items from the trash folder, and lists missing files', async () => {
    const { root, store, addGeneration } = await libraryWithStore();
    const kept = await addGeneration(1);
    const trashed = await addGeneration(2);
    await trashGenerations(root, store, [trashed.generation.id]);
    await rm(absoluteLibraryPath(root, `trash/1/${trashed.images[1]!.relPath}`));

    expect(generationIdsMatching(store, {})).toEqual([kept.generation.id]);
    const ids = generationIdsMatching(store, { filters: { trashed: true } });
    expect(ids).toEqual([trashed.generation.id]);

    const destination = path.join(await tempDir(), 'trash.zip');
    const report = await exportGenerations(root, store, ids, destination);
    expect(report).toMatchObject({ images: 1, missingFiles: [trashed.images[1]!.relPath] });
    const files = unzipSync(await readFile(destination));
    const metadata = JSON.parse(strFromU8(files['metadata.json']!)) as { generations: ExportedGeneration[] };
    expect(metadata.generations[0]?.images.map((image) => image.file)).toEqual([`images/${path.posix.basename(trashed.images[0]!.relPath)}`, null]);
  });

  it('leaves no partial zip when the export fails', async () => {
    const { root, store } = await libraryWithStore();
    const folder = await tempDir();
    const error: unknown = await exportGenerations(root, store, [424242], path.join(folder, 'x.zip')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(await readdir(folder)).toEqual([]);
  });
});

describe('preset files', () => {
  const validPreset = { name: 'Night city', modelId: 'model_abc', prompt: 'a city at night', modality: 'depth:0.5,canny:0.8', width: 1024, height: 1024 };

  it('round-trips presets through a JSON file', async () => {
    const source = await libraryWithStore();
    source.store.presets.create({ name: 'Night city', family: 'sd-xl', preset: validPreset });
    const file = path.join(await tempDir(), 'presets.json');
    expect(await exportPresetsToFile(source.store, file)).toBe(2);

    const target = await libraryWithStore();
    target.store.presets.archive(target.preset.id); // a target without the fixture's preset
    // The fixture's own preset document is not a valid preset: the whole file is refused.
    await expect(importPresetsFromFile(target.store, file)).rejects.toThrow(/preset "Depth render" is not valid/);
    expect(target.store.presets.list()).toEqual([]);

    const onlyValid = path.join(path.dirname(file), 'valid.json');
    await exportPresetsToFile(source.store, onlyValid, [source.store.presets.getByName('Night city')!.id]);
    const results = await importPresetsFromFile(target.store, onlyValid);
    expect(results).toEqual([expect.objectContaining({ name: 'Night city', outcome: 'created' })]);
    expect(target.store.presets.getByName('Night city')?.currentVersion.preset).toEqual(validPreset);
  });

  it('refuses files that are not JSON or not an export, and field errors name the field', async () => {
    const { store } = await libraryWithStore();
    const folder = await tempDir();
    const cases: [string, string, RegExp][] = [
      ['broken.json', '{ not json', /not valid JSON/],
      ['other.json', '{"hello": 1}', /not a preset export/],
      ['bad-width.json', JSON.stringify({ format: 'scenario-hotfolder/presets', formatVersion: 1, presets: [{ name: 'Huge', family: 'sd-xl', preset: { ...validPreset, name: 'Huge', width: 4096 } }] }), /preset "Huge" is not valid \(width: /],
    ];
    for (const [name, contents, message] of cases) {
      await writeFile(path.join(folder, name), contents);
      const error: unknown = await importPresetsFromFile(store, path.join(folder, name)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LibraryError);
      expect((error as LibraryError).code).toBe('invalid-preset');
      expect((error as LibraryError).userMessage).toMatch(message);
    }
  });
});
