import { useRef, useState, type PointerEvent, type ReactNode, type WheelEvent } from 'react';

/** Zoom beyond the fitted size: at most this many times the image's own pixels. */
const MAX_ACTUAL_SCALE = 8;
/** One wheel notch (100 px of deltaY) zooms by this factor. */
const WHEEL_STEP = 1.2;

interface View {
  /** 1 is fitted to the stage; more is zoomed in. */
  scale: number;
  x: number;
  y: number;
}
const FIT: View = { scale: 1, x: 0, y: 0 };

/**
 * An image fitted to the stage, zoomed with the wheel (toward the pointer) and panned by dragging,
 * with Fit and 100 % (one image pixel per screen pixel). `children` is the image; the stage is
 * remounted per image (by its key), so each image starts fitted.
 */
export function ZoomStage({ children, label }: { children: ReactNode; label: string }) {
  const stage = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<View>(FIT);
  const drag = useRef<{ pointerX: number; pointerY: number; x: number; y: number } | null>(null);

  /** The shown image and how many of its pixels one fitted screen pixel holds (1 when unknown). */
  const image = () => stage.current?.querySelector('img') ?? null;
  const fittedToActual = () => {
    const shown = image();
    return shown && shown.naturalWidth > 0 && shown.clientWidth > 0 ? shown.naturalWidth / shown.clientWidth : 1;
  };
  const maxScale = () => Math.max(1, fittedToActual() * MAX_ACTUAL_SCALE);

  /** Zooms to `scale`, keeping the point at (`atX`, `atY`) from the stage's centre where it is. */
  const zoomTo = (scale: number, atX = 0, atY = 0) => {
    setView((current) => {
      const next = Math.min(maxScale(), Math.max(1, scale));
      if (next === 1) return FIT;
      const ratio = next / current.scale;
      return { scale: next, x: atX - (atX - current.x) * ratio, y: atY - (atY - current.y) * ratio };
    });
  };

  const onWheel = (event: WheelEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const atX = event.clientX - (box.left + box.width / 2);
    const atY = event.clientY - (box.top + box.height / 2);
    zoomTo(view.scale * WHEEL_STEP ** (-event.deltaY / 100), atX, atY);
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (view.scale === 1 || event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { pointerX: event.clientX, pointerY: event.clientY, x: view.x, y: view.y };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (!start) return;
    setView((current) => ({ ...current, x: start.x + event.clientX - start.pointerX, y: start.y + event.clientY - start.pointerY }));
  };
  const endDrag = () => {
    drag.current = null;
  };

  const actualPercent = Math.round((view.scale / fittedToActual()) * 100);
  return (
    <div className="zoom">
      <div
        ref={stage}
        className={`zoom-stage${view.scale > 1 ? ' zoomed' : ''}`}
        data-testid="zoom-stage"
        data-scale={view.scale.toFixed(3)}
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onDoubleClick={() => (view.scale === 1 ? zoomTo(fittedToActual()) : setView(FIT))}
      >
        <div className="zoom-content" style={{ transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` }}>
          {children}
        </div>
      </div>
      <span className="zoom-controls" role="group" aria-label={`Zoom of ${label}`}>
        <button type="button" className="button small" aria-pressed={view.scale === 1} onClick={() => setView(FIT)}>Fit</button>
        <button type="button" className="button small" aria-pressed={view.scale > 1 && actualPercent === 100} onClick={() => zoomTo(fittedToActual())}>100 %</button>
        <span className="muted zoom-level" data-testid="zoom-level">{view.scale === 1 ? 'Fitted' : `${actualPercent} %`}</span>
      </span>
    </div>
  );
}
