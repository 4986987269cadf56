// Layer rules live here, not in anyone's memory (VS Code keeps its common/node/browser/electron-main
// layers the same way). The layers:
//   src/shared       common: runs anywhere, so no Node built-ins, no native modules, no electron
//   src/renderer     browser: React only; reaches the engine through window.api
//   src/preload      the only place that may touch ipcRenderer
//   src/main         the engine, plain Node; electron only inside src/main/electron (the adapters)
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const nativeOrNodeOnlyPackages = ['better-sqlite3', 'chokidar', 'sharp', 'ws', 'commander', 'fflate'];

const noElectron = { name: 'electron', message: 'Only src/main/electron (the adapters) and src/preload may import electron: the engine must run under plain Node and in tests.' };
const noRenderer = { group: ['**/renderer/**', '**/renderer'], message: 'Nothing outside src/renderer imports the renderer.' };

const restrict = (paths, patterns = []) => ['error', { paths, patterns }];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': restrict([noElectron], [noRenderer]),
    },
  },
  {
    files: ['src/shared/**'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': restrict(
        [noElectron, ...[...nodeBuiltins, ...nativeOrNodeOnlyPackages].map((name) => ({ name, message: 'src/shared runs in the browser too: no Node built-ins or Node-only packages.' }))],
        [noRenderer, { group: ['**/main/**', '**/preload/**'], message: 'src/shared depends on nothing but itself.' }],
      ),
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict(
        [noElectron, ...[...nodeBuiltins, ...nativeOrNodeOnlyPackages].map((name) => ({ name, message: 'The renderer never touches Node: ask the engine through window.api.' }))],
        [{ group: ['**/main/**', '**/preload/**'], message: 'The renderer reaches the engine only through window.api (src/shared/ipc).' }],
      ),
    },
  },
  {
    // Component tests render the renderer's own components.
    files: ['test/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': restrict([noElectron]) },
  },
  {
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': restrict([], [noRenderer, { group: ['**/main/**'], message: 'The preload sees only the shared contract.' }]),
    },
  },
  {
    files: ['src/main/electron/**'],
    rules: {
      'no-restricted-imports': restrict(
        [{ name: 'electron', importNames: ['ipcRenderer'], message: 'ipcRenderer belongs to src/preload only.' }],
        [noRenderer],
      ),
    },
  },
);
