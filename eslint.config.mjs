// Lint holds the layers (CONVENTIONS.md): shared imports nothing of ours; the backend never
// imports electron, main or the renderer; the renderer only shared and the bridge's types;
// preload only shared and electron. No import cycles. typescript-eslint's recommended rules.
import tseslint from 'typescript-eslint'
import importX, { createNodeResolver } from 'eslint-plugin-import-x'

// `electron` the package is named by `paths` (a bare pattern would match any folder named so).
const layer = (files, patterns, electronAllowed = false) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns, paths: electronAllowed ? [] : [{ name: 'electron', message: 'Only main and the preload import electron.' }] },
    ],
  },
})

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.json'] })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  layer(
    ['shared/**/*.ts'],
    [{ group: ['**/electron/**', '**/renderer/**', '**/test/**'], message: 'shared/ imports nothing of ours (and never electron).' }],
  ),
  layer(
    ['electron/backend/**/*.ts'],
    [
      {
        group: ['**/main/**', '**/preload/**', '**/renderer/**'],
        message: 'The backend is plain Node: never electron, main, preload or the renderer.',
      },
    ],
  ),
  layer(
    ['renderer/src/**/*.{ts,tsx}'],
    [
      {
        group: ['**/electron/backend/**', '**/electron/main/**', '**/electron/preload/*', '!**/electron/preload/bridge', 'node:*'],
        message: 'The renderer reaches the backend only through window.resetDesk (shared types and the bridge type).',
      },
    ],
  ),
  layer(
    ['electron/preload/**/*.ts'],
    [{ group: ['**/backend/**', '**/main/**', '**/renderer/**'], message: 'The preload is contextBridge and nothing else.' }],
    true,
  ),
  {
    // Migrations describe tables by name, before any typed schema exists (Kysely's own idiom).
    files: ['electron/backend/store/migrations.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Tests may reach into everything they test; scripts and benches too.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.mjs'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
)
