/** Files on disk: the library folder's layout, crash-safe writes, images, thumbnails, repair, trash, export. */
export { LibraryError, type LibraryErrorCode } from './errors';
export {
  LIBRARY_DIRS, absoluteLibraryPath, controlImageRelPath, imageFileCandidates, outputImageRelPath, presetSlug,
  relativeLibraryPath, resolveInsideLibrary, thumbnailRelPath, trashRelPath,
  type LibraryDir, type OutputImageName,
} from './paths';
export { copyFileAtomic, isPartFile, moveFileAtomic, pathExists, sweepStaleParts, walkFiles, writeFileAtomic, type FileContents, type SweepOptions } from './atomic';
export { storeControlImage, storeControlImageBytes, type StoredControlImage } from './controls';
export { ensureLibraryLayout, storeOutputImage, type StoredOutputImage } from './outputs';
export {
  PNG_METADATA_KEYWORD, embedParameters, formatA1111Parameters, generationParametersSchema, parseA1111Parameters, readEmbeddedParameters,
  type A1111Parameters, type GenerationParameters, type RecalledParameters,
} from './pngmeta';
export {
  THUMBNAIL_LONGEST_SIDE, ThumbnailQueue, createImageThumbnailQueue, imageThumbnailJob, makeThumbnail,
  type ImageThumbnailJob, type ThumbnailJob, type ThumbnailQueueOptions, type ThumbnailResult,
} from './thumbnails';
export { startThumbnailBackfill, type ThumbnailBackfill, type ThumbnailBackfillOptions } from './thumbnail-backfill';
export { repairLibrary, type RepairOptions, type RepairReport, type RepairStore } from './repair';
export { purgeTrash, restoreTrashBatch, trashGenerations, trashImages, type PurgeReport, type TrashStore, type TrashedBatch, type TrashedImages } from './trash';
export {
  GENERATIONS_EXPORT_FORMAT, exportGenerations, generationIdsMatching,
  type ExportReport, type ExportStore, type ExportedGeneration, type ExportedImage,
} from './export';
export { exportPresetsToFile, importPresetsFromFile } from './preset-files';
