import { lazy, Suspense, useEffect, useId, useState } from 'react';
import { useGallery } from '../stores';
import { useFacetEntries } from './facetEntries';
import { FacetPanel } from './FacetPanel';
import { FilterBar } from './FilterBar';
import { GalleryGrid } from './GalleryGrid';
import { SelectionBar } from './SelectionBar';

// Shown only once the person picks a generation: fetched then, not before the first tiles.
const DetailPanel = lazy(() => import('../detail/DetailPanel').then((module) => ({ default: module.DetailPanel })));
const Lightbox = lazy(() => import('../lightbox/Lightbox').then((module) => ({ default: module.Lightbox })));
const CompareView = lazy(() => import('../detail/CompareView').then((module) => ({ default: module.CompareView })));

/** Whether the facet panel is open, kept for the next session (open at first). */
const PANEL_KEY = 'scenario-hotfolder.filters-open';

export function GalleryScreen() {
  const { reload, started, detailOpen, lightboxOpen, compareOpen, facets } = useGallery((state) => ({
    reload: state.reload,
    // `complete` covers a first page that came back empty (or failed) before this mounted.
    started: state.items.length > 0 || state.loading || state.complete || state.facets !== null,
    detailOpen: state.detailId !== null,
    lightboxOpen: state.lightboxId !== null,
    compareOpen: state.compare !== null,
    facets: state.facets,
  }));
  const entries = useFacetEntries(facets);
  const panelId = useId();
  const [panelOpen, setPanelOpen] = useState(() => globalThis.localStorage?.getItem(PANEL_KEY) !== 'closed');
  const togglePanel = () => {
    globalThis.localStorage?.setItem(PANEL_KEY, panelOpen ? 'closed' : 'open');
    setPanelOpen(!panelOpen);
  };
  useEffect(() => {
    if (!started) void reload();
    // Once per mount: the store keeps the pages when the person switches screens and back.
  }, []);

  return (
    <section className="gallery" aria-label="Gallery">
      <FilterBar entries={entries} panelId={panelId} panelOpen={panelOpen} onTogglePanel={togglePanel} />
      <div className="gallery-body">
        {panelOpen && <FacetPanel id={panelId} entries={entries} />}
        <div className="grid-area">
          <GalleryGrid />
          <SelectionBar />
        </div>
        <Suspense fallback={null}>{detailOpen && <DetailPanel />}</Suspense>
      </div>
      <Suspense fallback={null}>
        {lightboxOpen && <Lightbox />}
        {compareOpen && <CompareView />}
      </Suspense>
    </section>
  );
}
