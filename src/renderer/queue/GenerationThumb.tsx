import type { GenerationSummary } from '../../shared/ipc/contract';
import { LibraryImage } from '../common/LibraryImage';
import { useAppStore, useGallery } from '../stores';

/** A small picture of a generation that opens it in the gallery's detail panel. */
export function GenerationThumb({ generation, relPath }: { generation: Pick<GenerationSummary, 'id' | 'inputName' | 'presetName'>; relPath: string | null }) {
  const show = useAppStore((state) => state.show);
  const openDetail = useGallery((state) => state.openDetail);
  const name = `${generation.inputName} with ${generation.presetName}`;
  return (
    <button
      type="button"
      className="queue-thumb"
      aria-label={`Show ${name} in the gallery`}
      onClick={() => {
        show('gallery');
        openDetail(generation.id);
      }}
    >
      <LibraryImage relPath={relPath} alt="" className="queue-thumb-image" />
    </button>
  );
}
