import { useAppStore, useSettings } from '../stores';
import { Problem, SaveBar, problemProps, useSaveModel } from './saveModel';

const NO_KEY = { apiKey: '', apiSecret: '' };
/** The engine's refusals of a key that concern one field (the others concern keeping it). */
const FIELD_OF_CODE = { 'credentials.missing': 'api-key' };
/** Scenario's keys and secrets are single words: a space is a copy-paste slip. */
const hasInnerSpace = (text: string) => /\s/.test(text.trim());

/**
 * The Scenario API key and secret, and which connection generations use. The secret is sent once
 * to the engine and never shown again. Saving a key switches to Scenario; the simulator is one
 * click away either way.
 */
export function CredentialsSection() {
  const { credentials, connection, testing, switching, save, clear, test, setUsingSimulator } = useSettings((state) => ({
    credentials: state.credentials,
    connection: state.connection,
    testing: state.testingConnection,
    switching: state.switching,
    save: state.saveCredentials,
    clear: state.clearCredentials,
    test: state.testConnection,
    setUsingSimulator: state.setUsingSimulator,
  }));
  const usingSimulator = useAppStore((state) => state.info?.usingSimulator ?? false);
  // Where the host cannot keep a secret (the bridge reads it from its environment), the fields would only mislead.
  const canStore = credentials?.backendOk ?? true;
  const model = useSaveModel(NO_KEY, FIELD_OF_CODE);
  const { apiKey, apiSecret } = model.draft;
  const problems = {
    'api-key': hasInnerSpace(apiKey) ? 'The key has a space in it: paste it again from Scenario.' : model.engineProblem('api-key'),
    'api-secret': hasInnerSpace(apiSecret) ? 'The secret has a space in it: paste it again from Scenario.' : undefined,
  };

  return (
    <section className="card" aria-labelledby="credentials-title">
      <h2 id="credentials-title">Scenario account</h2>
      {usingSimulator ? (
        <div className="button-row">
          <p data-testid="simulator-note">
            {`You are using the built-in simulator: results are simulated and free. To use your Scenario account, ${
              credentials?.stored ? 'switch to it: your key is set.' : canStore ? 'save your API key and secret here.' : 'give the app your key as the note below says.'
            }`}
          </p>
          {credentials?.stored && (
            <button type="button" className="button" disabled={switching} onClick={() => void setUsingSimulator(false)}>Use Scenario</button>
          )}
        </div>
      ) : (
        <div className="button-row">
          <p data-testid="scenario-note">
            {credentials?.stored
              ? 'Generations go to your Scenario account and use its creative units.'
              : 'Nothing is connected: save your API key and secret here, or use the built-in simulator.'}
          </p>
          <button type="button" className="button ghost" disabled={switching} onClick={() => void setUsingSimulator(true)}>Use the built-in simulator</button>
        </div>
      )}
      {!canStore && credentials?.backendMessage && <p className="muted" data-testid="credentials-note">{credentials.backendMessage}</p>}
      {canStore && (
        <p className="muted">
          {credentials?.stored ? `A key is saved (${credentials.apiKeyHint ?? '…'}).` : 'No key saved yet. Make one in Scenario under API keys; the secret is shown only once there.'}
        </p>
      )}
      <form
        className="form-grid"
        aria-label="Scenario API key"
        onSubmit={(event) => {
          event.preventDefault();
          void model.save((draft) => save(draft.apiKey.trim(), draft.apiSecret.trim())).then((saved) => {
            // The secret is never shown again, not even as a draft.
            if (saved) model.discard();
          });
        }}
      >
        <label htmlFor="api-key">API key</label>
        <div className="field">
          <input {...problemProps('api-key', problems['api-key'])} autoComplete="off" disabled={!canStore} value={apiKey} onChange={(event) => model.change({ apiKey: event.target.value })} />
          <Problem id="api-key" problem={problems['api-key']} />
        </div>
        <label htmlFor="api-secret">API secret</label>
        <div className="field">
          <input {...problemProps('api-secret', problems['api-secret'])} type="password" autoComplete="off" disabled={!canStore} value={apiSecret} onChange={(event) => model.change({ apiSecret: event.target.value })} />
          <Problem id="api-secret" problem={problems['api-secret']} />
        </div>
        <SaveBar model={model} label="Save key" canSave={canStore && !switching && apiKey.trim() !== '' && apiSecret.trim() !== '' && !problems['api-key'] && !problems['api-secret']} />
        <div className="button-row">
          <button type="button" className="button" onClick={() => void test()} disabled={testing}>{testing ? 'Testing…' : 'Test connection'}</button>
          {credentials?.stored && <button type="button" className="button ghost" disabled={switching} onClick={() => void clear()}>Forget key</button>}
        </div>
      </form>
      {connection && (
        <p className={connection.ok ? 'ok' : 'inline-error'} role="status" data-testid="connection-result">
          {connection.message}
          {connection.latencyMs !== null && <span className="muted">{` (${Math.round(connection.latencyMs)} ms)`}</span>}
        </p>
      )}
    </section>
  );
}
