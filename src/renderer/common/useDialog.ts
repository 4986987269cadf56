import { useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * The window's open dialogs, newest last. Esc closes the top one only (a compare opened over the
 * lightbox closes back to the lightbox), and only the top one keeps the focus.
 */
interface Layer {
  element: RefObject<HTMLElement | null>;
  close: () => void;
}
const layers: Layer[] = [];

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function onKeyDown(event: KeyboardEvent): void {
  const top = layers[layers.length - 1];
  const element = top?.element.current;
  if (!top || !element) return;
  if (event.key === 'Escape') {
    // Stopped here (capture phase): a layer below never sees the Esc that closed this one.
    event.preventDefault();
    event.stopImmediatePropagation();
    top.close();
  } else if (event.key === 'Tab') {
    const focusable = [...element.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((candidate) => candidate.offsetParent !== null || candidate === document.activeElement);
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return event.preventDefault();
    const inside = element.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  }
}

/** The focus entering a dialog from outside it goes back in. */
function onFocusIn(event: FocusEvent): void {
  const element = layers[layers.length - 1]?.element.current;
  if (element && event.target instanceof Node && !element.contains(event.target)) element.focus();
}

/**
 * Makes `ref` a modal layer while mounted and `open`: Esc closes it (and nothing under it), Tab stays inside,
 * the focus moves into it when it opens and back to where it was when it closes.
 * Returns whether this layer is the top one (its own keys apply only then).
 */
export function useDialog(ref: RefObject<HTMLElement | null>, close: () => void, open = true): () => boolean {
  const closeRef = useRef(close);
  closeRef.current = close;
  const layer = useRef<Layer>({ element: ref, close: () => closeRef.current() });
  useLayoutEffect(() => {
    if (!open) return;
    const current = layer.current;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (layers.length === 0) {
      window.addEventListener('keydown', onKeyDown, true);
      document.addEventListener('focusin', onFocusIn);
    }
    layers.push(current);
    const element = ref.current;
    if (element && !element.contains(document.activeElement)) {
      if (!element.hasAttribute('tabindex')) element.tabIndex = -1;
      element.focus();
    }
    return () => {
      layers.splice(layers.indexOf(current), 1);
      if (layers.length === 0) {
        window.removeEventListener('keydown', onKeyDown, true);
        document.removeEventListener('focusin', onFocusIn);
      }
      if (before?.isConnected) before.focus();
    };
  }, [ref, open]);
  return () => layers[layers.length - 1] === layer.current;
}
