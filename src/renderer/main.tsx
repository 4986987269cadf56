/**
 * The window's entry point. It asks the engine for the first screen before React and the screens
 * are even evaluated: App.tsx and everything it imports are a separate chunk, so the requests
 * travel, and the engine answers, while the browser fetches and runs the rest of the window.
 */
import { resolveApi } from './api';
import { userMessageOf } from './common/errors';
import { createStores, startLoading, type Stores } from './stores';
import './styles/app.css';

function startWindow(): Stores | { error: string } {
  try {
    const stores = createStores(resolveApi());
    startLoading(stores);
    return stores;
  } catch (error) {
    return { error: userMessageOf(error) };
  }
}

const started = startWindow();
const { mountApp } = await import('./App');
mountApp(document.getElementById('root') ?? document.body, started);
