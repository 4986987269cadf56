import { useEffect } from 'react';
import { CompareView } from '../detail/CompareView';
import { DetailPanel } from '../detail/DetailPanel';
import { Lightbox } from '../lightbox/Lightbox';
import { useGallery } from '../stores';
import { FilterBar } from './FilterBar';
import { GalleryGrid } from './GalleryGrid';
import { SelectionBar } from './SelectionBar';

export function GalleryScreen() {
  const { reload, started, lightboxOpen, compareOpen } = useGallery((state) => ({
    reload: state.reload,
    started: state.items.length > 0 || state.loading || state.facets !== null,
    lightboxOpen: state.lightboxId !== null,
    compareOpen: state.compare !== null,
  }));
  useEffect(() => {
    if (!started) void reload();
    // Once per mount: the store keeps the pages when the person switches screens and back.
  }, []);

  return (
    <section className="gallery" aria-label="Gallery">
      <FilterBar />
      <SelectionBar />
      <div className="gallery-body">
        <GalleryGrid />
        <DetailPanel />
      </div>
      {lightboxOpen && <Lightbox />}
      {compareOpen && <CompareView />}
    </section>
  );
}
