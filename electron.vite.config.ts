import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { HtmlTagDescriptor, Plugin } from 'vite';

/**
 * The window's entry (main.tsx) sends its first engine calls, then imports App.tsx. Vite preloads
 * only static imports, so without this the browser would start fetching the App chunk (React and
 * the gallery) only once the entry had run; preloaded, it is fetched and compiled alongside.
 */
function preloadChunkOf(moduleSuffix: string): Plugin {
  return {
    name: 'preload-chunk-of',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context): HtmlTagDescriptor[] {
        const chunk = Object.values(context.bundle ?? {}).find((output) => output.type === 'chunk' && output.facadeModuleId?.endsWith(moduleSuffix));
        if (!chunk || chunk.type !== 'chunk') throw new Error(`No chunk is built from ${moduleSuffix}: update preloadChunkOf in electron.vite.config.ts.`);
        return [chunk.fileName, ...chunk.imports]
          .filter((fileName) => !html.includes(fileName))
          .map((fileName) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${fileName}` }, injectTo: 'head' }));
      },
    },
  };
}

// Main bundles two entries from one engine: the Electron main process and the headless CLI.
export default defineConfig({
  main: {
    build: {
      // zod is ESM in ~100 files: loaded one by one, they cost every CLI command about a third of
      // its start-up (`history` included); bundled into the shared chunk they are one file.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: {
          index: resolve('src/main/electron/main.ts'),
          cli: resolve('src/main/cli/main.ts'),
        },
        // The CLI loads the engine only for the commands that need it (src/main/cli/context.ts).
        // Left to itself the bundler puts src/shared (preset rules, the contract) in the
        // pipeline's chunk, so `history` would load sharp and chokidar with them.
        output: { manualChunks: (id: string) => (id.includes('/src/shared/') || id.includes('/node_modules/zod/') ? 'shared' : undefined) },
      },
    },
  },
  // The window is sandboxed, and a sandboxed preload can only be one CommonJS script: bundle zod
  // and the contract into it (no externalized deps) and emit index.cjs.
  preload: {
    build: {
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react(), preloadChunkOf('src/renderer/App.tsx')],
    build: {
      // electron-vite leaves the renderer unminified by default; the window loads faster minified.
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
