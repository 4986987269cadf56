import type { PresetDetail } from '../../shared/ipc/contract';
import { countOf, dateTime } from '../common/format';
import { usePresets } from '../stores';

/** Every saved version of the preset, newest first; any of them opens read-only. */
export function VersionHistory({ detail }: { detail: PresetDetail }) {
  const openVersion = usePresets((state) => state.openVersion);
  return (
    <section aria-label="Version history">
      <h3>Versions</h3>
      <ol className="version-list">
        {detail.versions.map((version) => (
          <li key={version.version}>
            <button type="button" className="link-button" onClick={() => void openVersion(version.version)}>
              {`Version ${version.version}`}
            </button>
            {version.version === detail.version && <span className="badge">current</span>}
            <span className="muted">{`${dateTime(version.createdAt)} · ${countOf(version.generationCount, 'generation')}`}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
