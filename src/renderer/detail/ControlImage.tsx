import type { GenerationDetail } from '../../shared/ipc/contract';
import { LibraryImage } from '../common/LibraryImage';

export type ControlImageInput = Pick<GenerationDetail['input'], 'relPath' | 'missing'>;

/** The library's copy of the control image, when there is one to show. */
export function controlImageRelPath(input: ControlImageInput): string | null {
  return input.missing ? null : input.relPath;
}

/**
 * The control image, or a placeholder that says why it cannot be shown: never a broken image.
 * Never copied and gone missing read differently because the person does different things about
 * them: the first was refused before any copy (the original is where it was); for the second,
 * taking the original in again writes the copy back (the library keeps it under its hash). A
 * repair does not look at control images.
 */
export function ControlImage({ input, className, eager = false }: { input: ControlImageInput; className?: string; eager?: boolean }) {
  const relPath = controlImageRelPath(input);
  if (relPath !== null) return <LibraryImage relPath={relPath} alt="Control image" className={className} eager={eager} />;
  const notCopied = input.relPath === null;
  const title = notCopied ? 'Not copied into the library' : 'Missing from the library';
  const why = notCopied
    ? 'The file was refused before a copy was made (for example, over the size limit). The original stays where it was.'
    : 'The library’s copy was deleted outside the app. A new generation from the original file puts it back.';
  return (
    <div className={`control-unavailable ${className ?? ''}`} role="img" aria-label={`Control image: ${title.toLowerCase()}`} data-testid="control-unavailable">
      <strong>{title}</strong>
      <span>{why}</span>
    </div>
  );
}
