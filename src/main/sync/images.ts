/**
 * The files of imported generations. Scenario offers a thumbnail-size copy beside most images:
 * the sync brings that in first (the gallery shows it at once, for a fraction of the bytes), and
 * the full file comes when someone needs it (the lightbox, `show --full`) or for every import when
 * the setting `syncFullImages` is 'always'. An image Scenario offers no thumbnail of comes whole.
 *
 * "Thumbnail only" is a state of the row, not a column: an imported image whose file is missing
 * and whose thumbnail is here. Every write is atomic (a temporary file renamed), so a partial
 * download is never visible, and the row changes only once the file is complete.
 */
import { UserFacingError } from '../../shared/errors';
import { settingsSchema, type Settings } from '../../shared/ipc/contract';
import { absoluteLibraryPath, makeThumbnail, storeOutputImage, thumbnailRelPath } from '../library';
import type { GenerationParameters } from '../library';
import type { DownloadedBytes, ScenarioClient } from '../scenario';
import { ScenarioError } from '../scenario';
import { IMPORTED_PRESET_NAME } from '../store';
import type { Image, ImportedImageRef, Store } from '../store';

/** Where the full files of imports come from: 'on-demand' (thumbnails first) or 'always'. */
export type FullImagesSetting = NonNullable<Settings['syncFullImages']>;
export const FULL_IMAGES_SETTING_KEY = 'syncFullImages';

export function fullImagesSetting(store: Store): FullImagesSetting {
  const value = settingsSchema.shape.syncFullImages.safeParse(store.settings.get(FULL_IMAGES_SETTING_KEY));
  return value.success && value.data !== undefined ? value.data : 'on-demand';
}

/** What a sync downloads by the setting: thumbnails first, and every full file when it says 'always'. */
export function syncImagesFor(setting: FullImagesSetting): 'thumbnails' | 'all' {
  return setting === 'always' ? 'all' : 'thumbnails';
}

export interface ImportedFiles {
  store: Store;
  libraryRoot: string;
  appVersion: string;
}

/** Writes an imported image's full file (its parameters embedded, as ours) and its thumbnail made from it. */
export async function storeImportedImage({ store, libraryRoot, appVersion }: ImportedFiles, image: ImportedImageRef, delivered: DownloadedBytes): Promise<boolean> {
  const generation = store.generations.get(image.generationId);
  if (generation === null) return false;
  const parameters: GenerationParameters = {
    schemaVersion: 1,
    request: JSON.parse(generation.requestJson) as Record<string, unknown>,
    seed: generation.seed,
    modelId: generation.modelId,
    preset: { name: IMPORTED_PRESET_NAME, version: 1 },
    generationId: generation.id,
    imageIndex: image.idx,
    jobId: generation.jobId,
    assetId: image.assetId,
    appVersion,
  };
  const stored = await storeOutputImage(libraryRoot, delivered.data, { createdAt: new Date(generation.remoteCreatedAt ?? generation.createdAt), presetName: IMPORTED_PRESET_NAME, generationId: generation.id, index: image.idx }, parameters);
  store.sync.imageStored(image.id, { relPath: stored.relPath, bytes: stored.bytes, sha256: delivered.sha256, width: stored.width, height: stored.height });
  const thumbRelPath = thumbnailRelPath(stored.relPath);
  await makeThumbnail(absoluteLibraryPath(libraryRoot, stored.relPath), absoluteLibraryPath(libraryRoot, thumbRelPath), delivered.data);
  store.images.setThumbnail(image.id, thumbRelPath);
  return true;
}

/** Writes the thumbnail Scenario offered where the library keeps the image's thumbnail; its file stays to come. */
export async function storeImportedThumbnail({ store, libraryRoot }: ImportedFiles, image: ImportedImageRef, delivered: DownloadedBytes): Promise<void> {
  const thumbRelPath = thumbnailRelPath(image.relPath);
  // Made again from Scenario's bytes: the library's thumbnails are all of one size and format.
  await makeThumbnail(absoluteLibraryPath(libraryRoot, image.relPath), absoluteLibraryPath(libraryRoot, thumbRelPath), delivered.data);
  store.images.setThumbnail(image.id, thumbRelPath);
}

export type FullImageErrorCode = 'image.not-found' | 'image.not-at-scenario' | 'image.no-connection';

export class FullImageError extends UserFacingError<FullImageErrorCode> {
  override readonly name = 'FullImageError';
}

export interface FullImageFetcher {
  /**
   * The image with its full file here: downloaded from Scenario when only its thumbnail (or
   * nothing) is here yet. Asked twice at once, it downloads once.
   */
  fetch(imageId: number): Promise<Image>;
}

export function createFullImageFetcher(files: ImportedFiles & { client: () => ScenarioClient | null }): FullImageFetcher {
  const inFlight = new Map<number, Promise<Image>>();
  const { store } = files;

  async function download(image: Image): Promise<Image> {
    const generation = store.generations.get(image.generationId);
    if (generation === null || generation.origin === null || image.assetId === null) {
      throw new FullImageError('image.not-at-scenario', `The file of image ${image.id} is missing from the library and cannot be downloaded again. \`scenario-hotfolder repair\` finds missing files.`);
    }
    const client = files.client();
    if (client === null) throw new FullImageError('image.no-connection', 'Only the thumbnail of this image is here and there is no Scenario connection: save a key in Settings to download the full image.');
    let delivered: DownloadedBytes;
    try {
      delivered = await client.downloadAssetBytes(image.assetId);
    } catch (error) {
      if (error instanceof ScenarioError && error.code === 'not-found') {
        throw new FullImageError('image.not-at-scenario', `Scenario no longer has image ${image.id} (asset ${image.assetId}); only its thumbnail is here.`);
      }
      throw error;
    }
    await storeImportedImage(files, { id: image.id, generationId: image.generationId, assetId: image.assetId, idx: image.idx, relPath: image.relPath }, delivered);
    return store.images.get(image.id) ?? image;
  }

  return {
    fetch(imageId) {
      const image = store.images.get(imageId);
      if (image === null) return Promise.reject(new FullImageError('image.not-found', `There is no image ${imageId}: see \`history\` and \`show\` for the ids.`));
      if (!image.missing) return Promise.resolve(image);
      const running = inFlight.get(imageId) ?? download(image).finally(() => inFlight.delete(imageId));
      inFlight.set(imageId, running);
      return running;
    },
  };
}
