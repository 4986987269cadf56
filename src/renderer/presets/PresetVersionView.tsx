import { useRef } from 'react';
import type { PresetVersionDetail } from '../../shared/ipc/contract';
import { useDialog } from '../common/useDialog';
import { LibraryImage } from '../common/LibraryImage';
import { countOf, dateTime, stateLabel } from '../common/format';
import { useAppStore, useGallery, usePresets } from '../stores';
import { presetValueRows, unsetMeaning } from './presetFields';

/**
 * One saved version of a preset, read-only: every value as it was saved (marked where the current
 * version differs), the generations made with it, and "Restore", which saves those values as a
 * new version. Nothing here edits the version itself: versions are never rewritten.
 */
export function PresetVersionView() {
  const { viewed, current, closeVersion, restoreVersion } = usePresets((state) => ({
    viewed: state.viewedVersion,
    current: state.detail,
    closeVersion: state.closeVersion,
    restoreVersion: state.restoreVersion,
  }));
  const dialog = useRef<HTMLDivElement>(null);
  useDialog(dialog, closeVersion, viewed !== null && current !== null);
  if (!viewed || !current) return null;
  const rows = presetValueRows(viewed.preset, viewed.current ? null : current.preset);
  const changed = rows.filter((row) => row.differs).length;

  return (
    <div className="modal-backdrop" onClick={(event) => event.target === event.currentTarget && closeVersion()}>
      <div
        className="modal version-view"
        role="dialog"
        aria-modal="true"
        aria-label={`Version ${viewed.version} of ${current.preset.name}`}
        ref={dialog}
      >
        <header className="panel-header">
          <h2>{`Version ${viewed.version} of “${current.preset.name}”`}</h2>
          <span className="badge">{viewed.current ? 'current' : 'read-only'}</span>
          <button type="button" className="icon-button" aria-label="Close version" onClick={closeVersion}>×</button>
        </header>
        <p className="muted">
          {`Saved ${dateTime(viewed.createdAt)}. `}
          {viewed.current ? 'This is what the preset runs now.' : changed === 0 ? 'Same values as the current version.' : `${countOf(changed, 'field differs', 'fields differ')} from the current version (version ${current.version}).`}
        </p>

        <table className="version-values" aria-label="Values of this version">
          <tbody>
            {rows.map((row) => (
              <tr key={row.field} className={row.differs ? 'differs' : undefined} data-differs={row.differs}>
                <th scope="row">{row.label}</th>
                <td>{row.value ?? <span className="muted">{unsetMeaning(row.field)}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>

        <VersionUses viewed={viewed} />

        {!viewed.current && (
          <p className="hint">{`Restoring saves these values as version ${current.version + 1}, keeping the name “${current.preset.name}”; unsaved edits in the form are replaced. No version is changed.`}</p>
        )}
        <div className="button-row">
          {!viewed.current && (
            <button type="button" className="button primary" onClick={() => void restoreVersion(viewed.version)}>
              {`Restore version ${viewed.version}`}
            </button>
          )}
          <button type="button" className="button" onClick={closeVersion} autoFocus>Close</button>
        </div>
      </div>
    </div>
  );
}

/** The generations made with this version, newest first; each opens in the gallery's detail panel. */
function VersionUses({ viewed }: { viewed: PresetVersionDetail }) {
  const openDetail = useGallery((state) => state.openDetail);
  const show = useAppStore((state) => state.show);
  const closeVersion = usePresets((state) => state.closeVersion);
  const open = (id: string) => {
    closeVersion();
    openDetail(id);
    show('gallery');
  };
  const more = viewed.generationCount - viewed.generations.length;

  return (
    <section aria-label="Generations made with this version">
      <h3>{`Used by ${countOf(viewed.generationCount, 'generation')}`}</h3>
      {viewed.generationCount === 0 && <p className="muted">No generation in the library was made with this version.</p>}
      <ul className="version-uses">
        {viewed.generations.map((use) => (
          <li key={use.id}>
            <button type="button" className="version-use" onClick={() => open(use.id)} title={`Open ${use.inputName} in the gallery`}>
              {use.cover ? (
                <LibraryImage relPath={use.cover.thumbRelPath ?? use.cover.relPath} missing={use.cover.missing} alt={use.inputName} className="version-use-image" />
              ) : (
                // No output (yet, or it failed): an empty frame, not a "missing file".
                <span className="image-pending version-use-image" aria-hidden="true" />
              )}
              <span className="version-use-name">{use.inputName}</span>
              <span className="muted">{`${dateTime(use.createdAt)} · seed ${use.seed ?? 'random'}${use.state === 'done' ? '' : ` · ${stateLabel(use.state)}`}`}</span>
            </button>
          </li>
        ))}
      </ul>
      {more > 0 && <p className="muted">{`and ${countOf(more, 'older one')}.`}</p>}
    </section>
  );
}
