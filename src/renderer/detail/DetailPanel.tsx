import { useMemo, type DragEvent } from 'react';
import type { AppInfo, GenerationDetail, GenerationImage, RelatedGeneration } from '../../shared/ipc/contract';
import { CopyButton } from '../common/CopyButton';
import { LibraryImage } from '../common/LibraryImage';
import { libraryUrl } from '../common/libraryUrl';
import { draftFromParameters } from '../common/presetDraft';
import { OriginBadge } from '../common/OriginBadge';
import { SimulatedBadge } from '../common/SimulatedBadge';
import { TagInput } from '../common/TagInput';
import { creativeUnits, dateTime, duration, stateLabel } from '../common/format';
import { useAppStore, useApi, useGallery, usePresets, useQueue } from '../stores';
import { ControlImage, controlImageRelPath } from './ControlImage';
import { useGenerationDetail } from './useGenerationDetail';
import { useTrashImage } from './useTrashImage';

/** Everything about one generation, and what can be done with it next. */
export function DetailPanel() {
  const { id, item, openDetail, openCompare } = useGallery((state) => ({
    id: state.detailId,
    item: state.items.find((candidate) => candidate.id === state.detailId),
    openDetail: state.openDetail,
    openCompare: state.openCompare,
  }));
  // Re-read after the generation changes (a job finishing, a new tag).
  const { detail, error, reload } = useGenerationDetail(id, item);
  if (!id) return null;

  return (
    <aside className="detail-panel" aria-label="Generation details">
      <header className="panel-header">
        <h2>{detail?.presetName ?? 'Generation'}</h2>
        {detail && <SimulatedBadge simulated={detail.simulated} />}
        {detail && <OriginBadge origin={detail.origin} author={detail.author} />}
        <button type="button" className="icon-button" aria-label="Close details" onClick={() => openDetail(null)}>×</button>
      </header>
      {error && <p className="inline-error" role="alert">{error}</p>}
      {!detail && !error && <p className="muted">Loading…</p>}
      {detail && <DetailBody detail={detail} onCompare={() => openCompare(detail.id, null)} onImagesChanged={reload} />}
    </aside>
  );
}

function DetailBody({ detail, onCompare, onImagesChanged }: { detail: GenerationDetail; onCompare: () => void; onImagesChanged: () => void }) {
  const api = useApi();
  const trashImage = useTrashImage();
  const reportError = useAppStore((state) => state.reportError);
  const toast = useAppStore((state) => state.toast);
  const info = useAppStore((state) => state.info);
  const startNewPreset = usePresets((state) => state.startNew);
  const showPresetVersion = usePresets((state) => state.showVersion);
  const openDetail = useGallery((state) => state.openDetail);
  const retry = useQueue((state) => state.retry);
  const parameters = JSON.stringify(detail.request, null, 2);
  const controlRelPath = controlImageRelPath(detail.input);

  /** Drag out to other apps: the desktop app drags the file itself; a browser saves a DownloadURL drag as the file. */
  const dragOut = (relPath: string) => (event: DragEvent<HTMLElement>) => {
    if (info?.nativeFileDrag) {
      event.preventDefault();
      void api.library.startDrag({ relPath }).catch(reportError);
      return;
    }
    for (const [type, value] of browserDragData(info, relPath)) event.dataTransfer.setData(type, value);
    event.dataTransfer.effectAllowed = 'copy';
  };

  /**
   * The image's full file in the library: a team member's import may have only its thumbnail
   * here, and Open and Reveal must reach the real image, so the engine downloads it first.
   */
  const fullFile = async (image: GenerationImage): Promise<string> => {
    if (image.thumbnailOnly !== true) return image.relPath;
    const full = await api.images.fetchFull({ imageId: image.id });
    onImagesChanged();
    return full.relPath;
  };

  const run = (label: string, action: () => Promise<unknown>) => async () => {
    try {
      await action();
      toast({ message: label, tone: 'info' });
    } catch (error) {
      reportError(error);
    }
  };

  return (
    <div className="detail-body">
      <div className={`detail-images${detail.images.length > 1 ? ' several' : ''}`}>
        {/* First in reading order, shown after the outputs (the art leads). */}
        <figure className="detail-control">
          <ControlImage input={detail.input} className="detail-image" />
          <figcaption>
            Control · {detail.input.name}
            {controlRelPath !== null && (
              <button type="button" className="link-button" onClick={run('Shown in its folder.', () => api.library.revealFile({ relPath: controlRelPath }))}>Reveal</button>
            )}
          </figcaption>
        </figure>
        {detail.images.map((image, index) => (
          <figure key={image.relPath} className="detail-output">
            <div
              className="drag-out"
              draggable={!image.missing && image.thumbnailOnly !== true}
              onDragStart={dragOut(image.relPath)}
              title={image.thumbnailOnly === true ? 'Only the thumbnail is here: download the full image to drag it' : image.missing ? undefined : 'Drag into another app'}
            >
              {/* A single output fills the panel's width: its thumbnail (256 px) would be blurred there. */}
              <LibraryImage relPath={detail.images.length === 1 && image.thumbnailOnly !== true ? image.relPath : (image.thumbRelPath ?? image.relPath)} missing={image.missing && image.thumbnailOnly !== true} alt={`Output ${index + 1}`} className="detail-image" />
            </div>
            <figcaption>
              Output {index + 1}
              {image.width && image.height ? ` · ${image.width}×${image.height}` : ''}
              {image.thumbnailOnly === true && (
                <button type="button" className="link-button" aria-label={`Download the full output ${index + 1}`} onClick={run('Full image downloaded.', () => fullFile(image))}>
                  Download
                </button>
              )}
              <button type="button" className="link-button" onClick={run('Opened.', async () => api.library.openFile({ relPath: await fullFile(image) }))}>Open</button>
              <button type="button" className="link-button" onClick={run('Shown in its folder.', async () => api.library.revealFile({ relPath: await fullFile(image) }))}>Reveal</button>
              <button
                type="button"
                className="link-button danger"
                aria-label={`Move output ${index + 1} to the trash`}
                onClick={() => void trashImage({ generationId: detail.id, imageId: image.id, imageCount: detail.images.length }, onImagesChanged)}
              >
                {/* Its visible word is part of its name, as a voice-control user says it. */}
                Trash
              </button>
            </figcaption>
          </figure>
        ))}
      </div>

      <p className="detail-prompt">{detail.prompt}</p>
      {detail.negativePrompt && <p className="detail-negative"><span className="muted">Not: </span>{detail.negativePrompt}</p>}
      <dl className="facts key-facts">
        <dt>Model</dt>
        <dd>{detail.modelName ?? detail.modelId} <span className="muted">{`${detail.family} · ${detail.modality}`}</span></dd>
        <dt>Seed</dt>
        <dd>
          <code>{detail.seed ?? 'random'}</code> {detail.seed && <CopyButton text={detail.seed} label="Copy seed" />}
        </dd>
        <dt>Preset</dt>
        <dd>
          {detail.presetName}
          <button type="button" className="link-button" onClick={() => void showPresetVersion(detail.presetId, detail.presetVersion)}>{`version ${detail.presetVersion}`}</button>
        </dd>
        {detail.overrides && detail.overrides.length > 0 && (
          <>
            <dt>This file's sidecars</dt>
            <dd>
              <ul className="overrides" aria-label="Differences from the preset">
                {detail.overrides.map((override) => (
                  <li key={override.field}>
                    <code>{override.field}</code>{' '}
                    <span className="muted">{`${JSON.stringify(override.preset ?? null)} →`}</span>{' '}
                    <code>{JSON.stringify(override.used)}</code>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {detail.input.madeFrom && (
          <>
            <dt>Made from the photo</dt>
            <dd>
              {`A ${detail.input.madeFrom.modality} map Scenario detected in `}
              <code className="ellipsis" title={detail.input.madeFrom.photoPath}>{detail.input.madeFrom.photoName}</code>
            </dd>
          </>
        )}
        <dt>State</dt>
        <dd>{`${stateLabel(detail.state)} · ${creativeUnits(detail.creativeUnitsCost)}`}</dd>
        {detail.error && (
          <>
            <dt>{detail.state === 'canceled' ? 'Why it stopped' : 'Why it failed'}</dt>
            <dd className="inline-error">{detail.error.userMessage}</dd>
          </>
        )}
      </dl>

      {detail.notReproducible !== null && (
        <p className="muted" data-testid="not-reproducible">
          Cannot be reproduced here: {detail.notReproducible}
        </p>
      )}
      <div className="button-row">
        {(detail.state === 'failed' || detail.state === 'canceled') && (
          <button type="button" className="button primary" onClick={() => void retry(detail.id).then(onImagesChanged)}>
            Retry
          </button>
        )}
        <button type="button" className="button primary" disabled={detail.notReproducible !== null} onClick={run('Queued an exact reproduction.', () => api.generations.reproduce({ id: detail.id }))}>
          Reproduce exactly
        </button>
        {/* A model without a seed input (some custom models) has nothing to vary. */}
        {detail.seed !== null && (
          <button type="button" className="button" disabled={detail.notReproducible !== null} onClick={run('Queued a variation with a new seed.', () => api.generations.vary({ id: detail.id }))}>
            Vary seed
          </button>
        )}
        <button type="button" className="button" onClick={() => startNewPreset({ ...draftFromParameters(detail.preset, `${detail.presetName} (from history)`), ...(detail.seed ? { seed: detail.seed } : {}) })}>
          Use as preset
        </button>
        <button type="button" className="button" onClick={onCompare} disabled={detail.images.length === 0}>
          Compare with control
        </button>
      </div>

      <Sorting detail={detail} />

      <section aria-label="Related generations">
        <h3>Lineage</h3>
        <p className="muted">{KIND_WORDS[detail.kind]}{detail.parent ? ' of:' : '.'}</p>
        {detail.parent && (
          <ul className="lineage">
            <li><RelatedThumb related={detail.parent} role="Parent" onOpen={openDetail} /></li>
          </ul>
        )}
        {detail.children.length > 0 && (
          <ul className="lineage">
            {detail.children.map((child) => (
              <li key={child.id}><RelatedThumb related={child} role={KIND_WORDS[child.kind]} onOpen={openDetail} /></li>
            ))}
          </ul>
        )}
      </section>

      <section aria-label="Parameters as sent">
        <div className="section-title">
          <h3>Parameters as sent</h3>
          <CopyButton text={parameters} label="Copy parameters as JSON" />
        </div>
        <pre className="json" data-testid="request-json">{parameters}</pre>
      </section>

      <details className="technical">
        <summary>Technical</summary>
        <dl className="facts">
          <dt>Created</dt>
          <dd>{dateTime(detail.createdAt)}</dd>
          <dt>Submitted</dt>
          <dd>{dateTime(detail.submittedAt)}</dd>
          <dt>Finished</dt>
          <dd>{detail.finishedAt ? `${dateTime(detail.finishedAt)} (${duration(detail.submittedAt ?? detail.createdAt, detail.finishedAt)} at Scenario)` : '—'}</dd>
          <dt>Generation id</dt>
          <dd><code>{detail.id}</code></dd>
          <dt>Job id</dt>
          <dd><code>{detail.jobId ?? '—'}</code></dd>
          <dt>Control asset id</dt>
          <dd><code>{detail.imageAssetId ?? '—'}</code></dd>
          <dt>Output asset ids</dt>
          <dd>{detail.images.map((image) => image.assetId).filter(Boolean).join(', ') || '—'}</dd>
          <dt>Control image</dt>
          <dd>
            <code className="ellipsis" title={detail.input.originalPath}>{detail.input.originalPath}</code>
            <br />
            <code className="ellipsis" title={detail.input.sha256}>{`sha256 ${detail.input.sha256}`}</code>
          </dd>
        </dl>
      </details>
    </div>
  );
}

/** Stars, favourite and tags: what a person sorts a batch with. */
function Sorting({ detail }: { detail: GenerationDetail }) {
  const { setRating, setFavourite, addTags, removeTag, knownTags, item } = useGallery((state) => ({
    setRating: state.setRating,
    setFavourite: state.setFavourite,
    addTags: state.addTags,
    removeTag: state.removeTag,
    knownTags: state.facets?.tags,
    item: state.items.find((candidate) => candidate.id === detail.id),
  }));
  // The gallery's copy changes at once (and the panel re-reads after); a generation off the page has only its detail.
  const rating = item?.rating ?? detail.rating;
  const favourite = item?.favourite ?? detail.favourite;
  const tags = item?.tags ?? detail.tags;
  const suggestions = useMemo(() => (knownTags ?? []).map((tag) => tag.value).filter((tag) => !tags.includes(tag)), [knownTags, tags]);
  return (
    <section className="sorting" aria-label="Rating and tags">
      <div className="rating-row">
        <div role="radiogroup" aria-label="Rating" className="star-buttons">
          {[1, 2, 3, 4, 5].map((star) => (
            <button
              key={star}
              type="button"
              role="radio"
              aria-checked={rating === star}
              aria-label={`${star} star${star === 1 ? '' : 's'}`}
              className={`star-button${star <= rating ? ' on' : ''}`}
              onClick={() => void setRating([detail.id], rating === star ? 0 : star)}
            >
              {star <= rating ? '★' : '☆'}
            </button>
          ))}
        </div>
        <button type="button" className={`icon-button${favourite ? ' active' : ''}`} aria-pressed={favourite} aria-label="Favourite" onClick={() => void setFavourite([detail.id], !favourite)}>
          {favourite ? '♥' : '♡'}
        </button>
      </div>
      <ul className="tag-chips" aria-label="Tags">
        {tags.map((tag) => (
          <li key={tag} className="tag-chip removable">
            {tag}
            <button type="button" className="chip-remove" aria-label={`Remove tag ${tag}`} onClick={() => void removeTag([detail.id], tag)}>×</button>
          </li>
        ))}
      </ul>
      <TagInput suggestions={suggestions} onAdd={(added) => addTags([detail.id], added)} label="Add tags" />
    </section>
  );
}

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' };

/** A library file as a browser drag: Chromium saves a `DownloadURL` where it is dropped; other apps take the URL. */
function browserDragData(info: AppInfo | null, relPath: string): [string, string][] {
  const url = libraryUrl(info, relPath);
  if (url === undefined) return [];
  const absolute = new URL(url, window.location.href).href;
  const fileName = relPath.split('/').pop() ?? relPath;
  const type = IMAGE_TYPES[fileName.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
  return [
    ['DownloadURL', `${type}:${fileName}:${absolute}`],
    ['text/uri-list', absolute],
  ];
}

const KIND_WORDS: Record<GenerationDetail['kind'], string> = {
  hotfolder: 'From a watched folder',
  manual: 'Generated by hand',
  reproduction: 'Exact reproduction',
  variation: 'Seed variation',
};

/** A related generation as a thumbnail that opens it. */
function RelatedThumb({ related, role, onOpen }: { related: RelatedGeneration; role: string; onOpen: (id: string) => void }) {
  const cover = related.cover ?? null;
  return (
    <button type="button" className="related-thumb" onClick={() => onOpen(related.id)} aria-label={`${role}: ${dateTime(related.createdAt)}, seed ${related.seed ?? 'random'}, ${stateLabel(related.state)}`}>
      <LibraryImage relPath={cover ? (cover.thumbRelPath ?? cover.relPath) : null} missing={(cover?.missing ?? false) && cover?.thumbnailOnly !== true} alt="" className="related-image" />
      <span className="related-caption">{`${role} · ${stateLabel(related.state)}`}</span>
    </button>
  );
}
