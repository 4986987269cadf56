/**
 * Builds only the renderer's web build (out/renderer) from the project's electron-vite config,
 * without the main and preload bundles: the end-to-end tests and the window benchmark need the
 * page, and building the engine bundles would cost time and fail on unrelated work in progress.
 *
 *   npx tsx test/e2e/build-renderer.ts
 */
import { resolveConfig } from 'electron-vite';
import { build } from 'vite';

const { config } = await resolveConfig({ logLevel: 'warn' }, 'build', 'production');
if (!config?.renderer) throw new Error('electron.vite.config.ts has no renderer section.');
await build({ ...config.renderer, configFile: false, logLevel: 'warn' });
