import { useState } from 'react';
import { useAppStore } from '../stores';
import { libraryUrl } from './libraryUrl';

interface LibraryImageProps {
  relPath: string | null;
  alt: string;
  className?: string;
  /** Load now rather than when scrolled near: for images already known to be on screen. */
  eager?: boolean;
  missing?: boolean;
  /** Ahead of or behind the page's other images in the browser's queue (default: the browser decides). */
  priority?: 'high' | 'low';
}

/**
 * An image from the library. A missing file (deleted on disk, not yet downloaded) becomes a
 * quiet placeholder instead of the browser's broken-image icon.
 */
export function LibraryImage({ relPath, alt, className, eager = false, missing = false, priority }: LibraryImageProps) {
  const info = useAppStore((state) => state.info);
  const src = missing ? undefined : libraryUrl(info, relPath);
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  // The page can arrive before app.info (they are asked for together): until the library's
  // address is known, hold the tile's place quietly rather than calling the file missing.
  if (!info && !missing) return <div className={`image-pending ${className ?? ''}`} aria-hidden="true" />;
  if (!src || failedSrc === src) {
    return (
      <div
        className={`image-missing ${className ?? ''}`}
        // A decorative image (alt="") stays out of the way when its file is missing too.
        {...(alt ? { role: 'img', 'aria-label': `${alt} (file missing)` } : { 'aria-hidden': true })}
        data-testid="image-missing"
      >
        <span aria-hidden="true">◌</span>
      </div>
    );
  }
  return (
    <img
      src={src}
      alt={alt}
      className={className}
      loading={eager ? 'eager' : 'lazy'}
      fetchPriority={priority}
      decoding="async"
      draggable={false}
      onError={() => setFailedSrc(src)}
    />
  );
}
