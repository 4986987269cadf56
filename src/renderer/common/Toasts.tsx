import { useAppStore } from '../stores';

export function Toasts() {
  const { toasts, dismiss, hold, release } = useAppStore((state) => ({ toasts: state.toasts, dismiss: state.dismissToast, hold: state.holdToast, release: state.releaseToast }));
  return (
    <div className="toasts" role="region" aria-label="Notifications" aria-live="polite">
      {toasts.map((toast) => (
        <div
          key={toast.id}
          className={`toast ${toast.tone}`}
          role={toast.tone === 'error' ? 'alert' : 'status'}
          data-testid="toast"
          onMouseEnter={() => hold(toast.id)}
          onMouseLeave={(event) => {
            if (!event.currentTarget.contains(document.activeElement)) release(toast.id);
          }}
          onFocus={() => hold(toast.id)}
          onBlur={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget)) release(toast.id);
          }}
        >
          <span>{toast.message}</span>
          {toast.action && (
            <button
              type="button"
              className="button small"
              onClick={() => {
                dismiss(toast.id);
                void toast.action?.run();
              }}
            >
              {toast.action.label}
            </button>
          )}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
