import { useEffect, useRef, useState } from 'react';
import { useDialog } from '../common/useDialog';
import { useAppStore, useSettings } from '../stores';

const DONE_KEY = 'scenario-hotfolder.first-run-done';

/**
 * The first thing a new user sees: try everything on the built-in simulator (no account), or
 * connect a Scenario key. Shown until one is chosen, and never once a key is saved.
 */
export function FirstRun() {
  const { credentials, load, switching, setUsingSimulator } = useSettings((state) => ({
    credentials: state.credentials,
    load: state.load,
    switching: state.switching,
    setUsingSimulator: state.setUsingSimulator,
  }));
  const { known, usingSimulator, show } = useAppStore((state) => ({
    known: state.info !== null,
    usingSimulator: state.info?.usingSimulator ?? false,
    show: state.show,
  }));
  const [done, setDone] = useState(() => localStorage.getItem(DONE_KEY) === 'yes');
  useEffect(() => {
    if (!done) void load();
  }, [done, load]);
  const finish = () => {
    localStorage.setItem(DONE_KEY, 'yes');
    setDone(true);
  };
  const open = !(done || !known || !credentials || credentials.stored);
  const dialog = useRef<HTMLDivElement>(null);
  // Esc means "not now": the window stays on the connection it has (the simulator at first start).
  useDialog(dialog, finish, open);
  if (!open) return null;

  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="first-run-title" ref={dialog}>
        <h1 id="first-run-title">Welcome to Scenario Hot Folder</h1>
        <p>
          Save a pose, depth, canny or sketch map into a watched folder: each one is generated with your preset on Scenario, and every
          result lands in a searchable history you can reproduce exactly.
        </p>
        <div className="choice-grid">
          <div className="choice">
            <h2>Try it without an account</h2>
            <p>The built-in simulator answers like Scenario, offline and free. Its results are labelled “Simulated” everywhere.</p>
            <button
              type="button"
              className="button primary"
              disabled={switching}
              onClick={() => {
                if (usingSimulator) finish();
                else void setUsingSimulator(true).then((switched) => switched && finish());
              }}
            >
              Try with the simulator
            </button>
          </div>
          <div className="choice">
            <h2>Connect my Scenario account</h2>
            <p>Paste an API key and secret from Scenario; they are kept in your system's keychain.</p>
            <button
              type="button"
              className="button"
              onClick={() => {
                finish();
                show('settings');
              }}
            >
              Enter my API key
            </button>
          </div>
        </div>
      </div>
    </div>
  );
}
