// Lint rules, including the architecture's dependency direction (shared/style.md):
// model ← everything; dataplane and engines import model and snapshot only; api/cli/console never import them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message: why }] }],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly', AbortController: 'readonly', performance: 'readonly', structuredClone: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // Type-aware rules: every .ts file is linted with its project's types (tsconfig.json, src/console/tsconfig.json).
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test()/describe()/it() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] }],
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
  // A cap on branches per function that the code meets: past it, a function wants splitting.
  // Tests are exempt (a test reads best top to bottom).
  { files: ['src/**/*.ts', 'src/**/*.tsx', 'bench/**/*.ts', 'scripts/**/*.ts'], rules: { complexity: ['error', 20] } },
  // The web console runs in the browser; TypeScript (src/console/tsconfig.json, DOM types) checks its globals.
  { files: ['src/console/**'], rules: { 'no-undef': 'off' } },
  layer(['src/model/**'], ['**/store/**', '**/snapshot/**', '**/api/**', '**/cli/**', '**/console/**', '**/dataplane/**', '**/main*', 'node:*', 'fs', 'net', 'http'], 'model is pure: no I/O and no other layer'),
  layer(['src/dataplane/**'], ['**/store/**', '**/api/**', '**/cli/**', '**/console/**', '**/control/**', '**/serve/**', '**/main*'], 'dataplane imports model and snapshot only (and the shared logging and util helpers)'),
  // Inside the data plane: listener protocols are built on the HTTP proxy, never the other way round.
  layer(['src/dataplane/http/**'], ['**/store/**', '**/api/**', '**/cli/**', '**/console/**', '**/control/**', '**/serve/**', '**/main*', '**/listeners/**'], 'dataplane/http serves the listeners and imports none of them (shared pieces live in dataplane/)'),
  layer(['src/engines/**'], ['**/store/**', '**/api/**', '**/cli/**', '**/console/**', '**/control/**', '**/serve/**', '**/dataplane/**', '**/main*'], 'an engine imports model and snapshot only (and the shared util helpers)'),
  layer(['src/util/**'], ['**/model/**', '**/store/**', '**/snapshot/**', '**/api/**', '**/cli/**', '**/console/**', '**/control/**', '**/dataplane/**', '**/engines/**', '**/serve/**', '**/logging/**', '**/main*'], 'util is a leaf: small helpers every layer may use'),
  layer(['src/logging/**'], ['**/model/**', '**/store/**', '**/snapshot/**', '**/api/**', '**/cli/**', '**/console/**', '**/control/**', '**/dataplane/**', '**/serve/**', '**/main*'], 'logging is a leaf utility'),
  layer(['src/snapshot/**'], ['**/api/**', '**/cli/**', '**/console/**', '**/dataplane/**', '**/control/**'], 'snapshot is built from the store and consumed by the data plane'),
  layer(['src/store/**'], ['**/api/**', '**/cli/**', '**/console/**', '**/dataplane/**', '**/control/**', '**/snapshot/**'], 'store knows only the model'),
  layer(['src/api/**', 'src/cli/**', 'src/console/**', 'src/control/**'], ['**/dataplane/**', '**/engines/**'], 'control plane never imports the data plane; main wires them'),
);
