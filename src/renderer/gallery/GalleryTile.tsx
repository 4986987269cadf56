import { memo, type MouseEvent } from 'react';
import { LibraryImage } from '../common/LibraryImage';
import { OriginBadge } from '../common/OriginBadge';
import { ProgressRing } from '../common/ProgressRing';
import { useGallery, useQueue } from '../stores';
import type { GalleryItem } from '../stores/galleryItem';
import { liveLabel, waitingOf } from '../queue/waitingWords';
import { Stars } from './Stars';

/** Tag chips a tile has room for; the rest are counted in a "+N" chip. */
const TILE_TAGS = 2;

interface TileProps {
  item: GalleryItem;
  /** The art's size in the justified row. */
  width: number;
  height: number;
  /** The grid's one tab stop (roving focus): arrows move it. */
  focusable: boolean;
  onScreen: boolean;
}

/**
 * One generation in the grid: its first output, or its control image with the engine's state
 * (and progress) while it runs, and its reason once it failed. Nothing covers finished art but a
 * small mark; the name, stars and tags sit under it.
 */
export const GalleryTile = memo(function GalleryTile({ item, width, height, focusable, onScreen }: TileProps) {
  const { selected, select, restoreSelection, openDetail, openLightbox, stack } = useGallery((state) => ({
    selected: state.selectedIds.has(item.id),
    // Its reproductions and variations, when the grid stacks them under it.
    stack: state.stacked ? item.stackSize : 0,
    select: state.select,
    restoreSelection: state.restoreSelection,
    openDetail: state.openDetail,
    openLightbox: state.openLightbox,
  }));
  // The queue's live view of this generation, while the engine works on it.
  const { job, queueWaiting, retry } = useQueue((state) => ({ job: state.jobById.get(item.id), queueWaiting: state.status?.waiting ?? null, retry: state.retry }));
  const state = job?.state ?? item.state;
  const waiting = job ? waitingOf(job, { waiting: queueWaiting }) : null;
  const running = state !== 'done' && state !== 'failed' && state !== 'canceled';
  const ended = state === 'failed' || state === 'canceled';

  const onClick = (event: MouseEvent) => {
    // The second click of a double-click opens the lightbox; it does not select again.
    if (event.detail > 1) return;
    if (event.shiftKey) return select(item.id, 'range');
    if (event.ctrlKey || event.metaKey) return select(item.id, 'toggle');
    select(item.id, 'only');
    openDetail(item.id);
  };

  const tagged = item.tags.length > 0 ? `, tagged ${item.tags.join(', ')}` : '';
  // The image says what the tile is; the cell's name is its content (image, then any live state or failure).
  const stacked = stack > 0 ? `, with ${stack} ${stack === 1 ? 'version' : 'versions'} stacked under it` : '';
  const label = `${item.presetName}: ${item.inputName}${item.favourite ? ', favourite' : ''}${item.rating ? `, rated ${item.rating} of 5` : ''}${tagged}${stacked}`;
  // Until an output exists the tile shows what it was made from.
  const shown = item.thumbRelPath ?? item.controlRelPath;
  return (
    <div
      role="gridcell"
      aria-selected={selected}
      tabIndex={focusable ? 0 : -1}
      className={`tile${selected ? ' selected' : ''}${state === 'done' ? '' : ` state-${state}`}${stack > 0 ? ' stacked' : ''}`}
      style={{ width }}
      data-testid="gallery-tile"
      data-generation-id={item.id}
      data-state={state}
      title={item.promptPreview}
      onClick={onClick}
      onDoubleClick={() => {
        restoreSelection();
        openLightbox(item.id);
      }}
    >
      <div className="tile-art" style={{ height }}>
        <LibraryImage
          relPath={shown}
          missing={item.thumbRelPath ? item.imageMissing && !item.thumbnailOnly : false}
          alt={label}
          className={`tile-image${item.thumbRelPath ? '' : ' control'}`}
          eager
          priority={onScreen ? 'high' : 'low'}
        />
        {running && (
          <div className="tile-live" data-testid="tile-live" data-reason={waiting?.reason}>
            <ProgressRing progress={job?.progress ?? null} label={`Progress of ${item.inputName}`} />
            <span className="tile-live-text">{liveLabel(state, waiting, job?.progress ?? null)}</span>
          </div>
        )}
        {ended && (
          <div className="tile-failure" data-testid="tile-failure">
            <strong>{liveLabel(state, null)}</strong>
            <span className="tile-failure-reason">{item.errorMessage ?? 'No reason was recorded.'}</span>
            <button
              type="button"
              className="button small"
              aria-label={`Retry ${item.inputName}`}
              onClick={(event) => {
                event.stopPropagation();
                void retry(item.id);
              }}
            >
              Retry
            </button>
          </div>
        )}
        <div className="tile-marks" aria-hidden="true">
          {item.simulated && <span className="mark simulated" title="Made by the built-in simulator, not by Scenario">S</span>}
          {item.imageCount > 1 && <span className="mark" title={`${item.imageCount} images`}>{`×${item.imageCount}`}</span>}
          <OriginBadge origin={item.origin} author={item.author} compact />
        </div>
      </div>
      <div className="tile-footer" aria-hidden="true">
        {item.favourite && <span className="favourite">♥</span>}
        <Stars rating={item.rating} />
        <span className="tile-name">{item.presetName}</span>
        <TileTags tags={item.tags} />
      </div>
      {stack > 0 && (
        // The stack opens in the detail panel, whose lineage shows each version.
        <button
          type="button"
          className="stack-count"
          aria-label={`Show the ${stack} ${stack === 1 ? 'version' : 'versions'} of ${item.inputName}`}
          onClick={(event) => {
            event.stopPropagation();
            select(item.id, 'only');
            openDetail(item.id);
          }}
        >
          {`+${stack}`}
        </button>
      )}
    </div>
  );
});

/** The first tags as chips, the others as "+N" (named in its tooltip); read out by the tile's label. */
function TileTags({ tags }: { tags: string[] }) {
  if (tags.length === 0) return null;
  const shown = tags.slice(0, TILE_TAGS);
  const more = tags.slice(TILE_TAGS);
  return (
    <span className="tile-tags">
      {shown.map((tag) => (
        <span key={tag} className="tag-chip" title={tag}>
          {tag}
        </span>
      ))}
      {more.length > 0 && (
        <span className="tag-chip more" title={more.join(', ')}>
          {`+${more.length}`}
        </span>
      )}
    </span>
  );
}
