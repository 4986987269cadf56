import { memo, type MouseEvent } from 'react';
import { LibraryImage } from '../common/LibraryImage';
import { OriginBadge } from '../common/OriginBadge';
import { SimulatedBadge } from '../common/SimulatedBadge';
import { stateLabel } from '../common/format';
import { useGallery } from '../stores';
import type { GalleryItem } from '../stores/galleryItem';

/** Tag chips a tile has room for; the rest are counted in a "+N" chip. */
const TILE_TAGS = 2;

/**
 * One generation in the grid: its first output (or its control image while in flight).
 * `onScreen` tiles fetch their thumbnail ahead of the grid's read-ahead rows.
 */
export const GalleryTile = memo(function GalleryTile({ item, onScreen }: { item: GalleryItem; onScreen: boolean }) {
  const { selected, select, openDetail, openLightbox } = useGallery((state) => ({
    selected: state.selectedIds.has(item.id),
    select: state.select,
    openDetail: state.openDetail,
    openLightbox: state.openLightbox,
  }));

  const onClick = (event: MouseEvent) => {
    if (event.shiftKey) return select(item.id, 'range');
    if (event.ctrlKey || event.metaKey) return select(item.id, 'toggle');
    select(item.id, 'only');
    openDetail(item.id);
  };

  const done = item.state === 'done';
  const tagged = item.tags.length > 0 ? `, tagged ${item.tags.join(', ')}` : '';
  const label = `${item.presetName}: ${item.inputName}${item.favourite ? ', favourite' : ''}${item.rating ? `, rated ${item.rating}` : ''}${tagged}`;
  return (
    <div
      role="gridcell"
      aria-selected={selected}
      aria-label={label}
      tabIndex={0}
      className={`tile${selected ? ' selected' : ''}${done ? '' : ` state-${item.state}`}`}
      data-testid="gallery-tile"
      data-generation-id={item.id}
      title={item.promptPreview}
      onClick={onClick}
      onDoubleClick={() => openLightbox(item.id)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') openLightbox(item.id);
        else if (event.key === ' ') {
          event.preventDefault();
          select(item.id, event.shiftKey ? 'range' : 'toggle');
        }
      }}
    >
      <LibraryImage relPath={item.thumbRelPath} missing={item.imageMissing} alt={label} className="tile-image" eager priority={onScreen ? 'high' : 'low'} />
      <div className="tile-badges">
        <SimulatedBadge simulated={item.simulated} />
        <OriginBadge origin={item.origin} author={item.author} />
        {!done && <span className={`badge state-${item.state}`}>{stateLabel(item.state)}</span>}
        {item.imageCount > 1 && <span className="badge">{item.imageCount}</span>}
      </div>
      <TileTags tags={item.tags} />
      <div className="tile-footer">
        {item.favourite && <span className="favourite" aria-hidden="true">★</span>}
        {item.rating > 0 && <span className="rating" aria-hidden="true">{'●'.repeat(item.rating)}</span>}
        <span className="tile-name">{item.presetName}</span>
      </div>
    </div>
  );
});

/** The first tags as chips, the others as "+N" (named in its tooltip); read out by the tile's label. */
function TileTags({ tags }: { tags: string[] }) {
  if (tags.length === 0) return null;
  const shown = tags.slice(0, TILE_TAGS);
  const more = tags.slice(TILE_TAGS);
  return (
    <div className="tile-tags" aria-hidden="true">
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
    </div>
  );
}
