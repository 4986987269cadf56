import { LibraryImage } from '../common/LibraryImage';

/** What the window knows of a generation's control image (the detail's `input`). */
export interface ControlImageInput {
  /** The library's copy; null when the input was never copied (too large to keep a copy of). */
  relPath: string | null;
  /** The copy was made but has gone from the library since (deleted outside the app). */
  missing?: boolean;
}

/** The library's copy of the control image, when there is one to show. */
export function controlImageRelPath(input: ControlImageInput): string | null {
  return input.missing === true ? null : input.relPath;
}

/**
 * The control image, or a placeholder that says why it cannot be shown: never a broken image.
 * Not copied and gone missing read differently because the person does different things about
 * them: the first is by design (the original is still in its folder), the second needs a repair.
 */
export function ControlImage({ input, className, eager = false }: { input: ControlImageInput; className?: string; eager?: boolean }) {
  const relPath = controlImageRelPath(input);
  if (relPath !== null) return <LibraryImage relPath={relPath} alt="Control image" className={className} eager={eager} />;
  const notCopied = input.relPath === null;
  const title = notCopied ? 'Not kept in the library' : 'Missing from the library';
  const why = notCopied
    ? 'It was used from its folder and never copied into the library, as happens with very large files.'
    : 'The library’s copy was deleted outside the app. A library repair reports it.';
  return (
    <div className={`control-unavailable ${className ?? ''}`} role="img" aria-label={`Control image: ${title.toLowerCase()}`} data-testid="control-unavailable">
      <strong>{title}</strong>
      <span>{why}</span>
    </div>
  );
}
