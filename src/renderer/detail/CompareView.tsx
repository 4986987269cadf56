import { useId, useRef, useState } from 'react';
import type { GenerationDetail } from '../../shared/ipc/contract';
import { LibraryImage } from '../common/LibraryImage';
import { countOf } from '../common/format';
import { useDialog } from '../common/useDialog';
import { useGallery } from '../stores';
import { ControlImage, controlImageRelPath } from './ControlImage';
import { parameterDiff } from './parameterDiff';
import { useGenerationDetail } from './useGenerationDetail';

/** A control image against its output (slider), or two generations side by side. */
export function CompareView() {
  const { compare, closeCompare } = useGallery((state) => ({ compare: state.compare, closeCompare: state.closeCompare }));
  const left = useGenerationDetail(compare?.leftId ?? null);
  const right = useGenerationDetail(compare?.rightId ?? null);
  const dialog = useRef<HTMLDivElement>(null);
  useDialog(dialog, closeCompare);
  if (!compare) return null;

  return (
    <div className="compare" role="dialog" aria-modal="true" aria-label="Compare" ref={dialog}>
      <header className="panel-header">
        <h2>{compare.rightId ? 'Two generations side by side' : 'Control image and output'}</h2>
        <button type="button" className="button" onClick={closeCompare} autoFocus>Close</button>
      </header>
      {left.error && <p className="inline-error" role="alert">{left.error}</p>}
      {right.error && <p className="inline-error" role="alert">{right.error}</p>}
      {left.detail && !compare.rightId && <ControlSlider detail={left.detail} />}
      {left.detail && right.detail && <SideBySide left={left.detail} right={right.detail} />}
    </div>
  );
}

/**
 * The control image over its output, cut by a slider. The stage takes the output's shape and the
 * control image covers it (cropped to that shape, as the generation used it), so their edges
 * line up even when the two differ in aspect.
 */
function ControlSlider({ detail }: { detail: GenerationDetail }) {
  const [split, setSplit] = useState(50);
  const sliderId = useId();
  const output = detail.images[0];
  const aspect = output?.width && output.height ? `${output.width} / ${output.height}` : undefined;
  return (
    <div className="compare-slider">
      <div className="compare-stage" style={{ aspectRatio: aspect }} data-testid="compare-stage">
        <LibraryImage relPath={output?.relPath ?? null} missing={output?.missing} alt="Output" className="compare-image" eager />
        <div className="compare-overlay" style={{ clipPath: `inset(0 ${100 - split}% 0 0)` }}>
          <ControlImage input={detail.input} className="compare-image" eager />
        </div>
        <div className="compare-divider" style={{ left: `${split}%` }} aria-hidden="true" />
      </div>
      <label htmlFor={sliderId}>Control ← → Output</label>
      <input id={sliderId} type="range" min={0} max={100} value={split} onChange={(event) => setSplit(Number(event.target.value))} aria-label="Compare position" />
    </div>
  );
}

function SideBySide({ left, right }: { left: GenerationDetail; right: GenerationDetail }) {
  const rows = parameterDiff(left.request, right.request);
  const differing = rows.filter((row) => row.differs).length;
  return (
    <div className="side-by-side">
      <div className="compare-pair">
        {[left, right].map((detail) => (
          <figure key={detail.id}>
            <LibraryImage relPath={detail.images[0]?.relPath ?? controlImageRelPath(detail.input)} missing={detail.images[0]?.missing} alt={`${detail.presetName}: ${detail.inputName}`} className="compare-image" eager />
            <figcaption>{`${detail.presetName} · seed ${detail.seed ?? 'random'}`}</figcaption>
          </figure>
        ))}
      </div>
      <p className="muted">{differing === 0 ? 'Every parameter is the same.' : `${countOf(differing, 'parameter differs', 'parameters differ')}.`}</p>
      <table className="diff-table">
        <thead>
          <tr>
            <th scope="col">Parameter</th>
            <th scope="col">Left</th>
            <th scope="col">Right</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.path} className={row.differs ? 'differs' : undefined} data-differs={row.differs}>
              <th scope="row">{row.path}</th>
              <td>{row.left}</td>
              <td>{row.right}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
