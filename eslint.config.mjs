// ESLint (flat config), run by `npm run lint` (`eslint . --max-warnings 0`) inside `npm test`
// (issue 13). Type-aware: every TypeScript file is linted against the program tsconfig.json
// describes, found by typescript-eslint's project service. README, Development, says what it catches.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import jest from 'eslint-plugin-jest';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'];

export default tseslint.config(
  {
    ignores: ['dist/', 'coverage/', 'bench-results/', 'test-results/', '.cache/', '.run/'],
  },
  js.configs.recommended,
  // Includes no-floating-promises, no-misused-promises, await-thenable, no-explicit-any and the
  // no-unsafe-* family (any flowing into calls, members, assignments, returns and arguments).
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'always'],
      // Services log through pino (nestjs-pino), whose lines carry the request id and record context;
      // console output bypasses both. The CLIs, the bench and scripts print to a terminal: allowed below.
      'no-console': 'error',
      // Most of the code already writes `import type` / `{ type X }`. With emitDecoratorMetadata on
      // (tsconfig.json), the rule leaves files with decorators alone, so Nest's constructor injection
      // keeps the runtime imports it needs.
      '@typescript-eslint/consistent-type-imports': 'error',
      // Off: every async function here without an await implements a Promise-returning interface
      // (Nest's ThrottlerGuard hooks, kafkajs eachBatch/eachMessage, MessageSink doubles in specs),
      // where `async` is what turns a throw into a rejection. A forgotten await — the bug this rule
      // is meant to find — is reported by no-floating-promises instead.
      '@typescript-eslint/require-await': 'off',
      // `_name` is how a table test's or an interface's unused parameter says it is unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      // The control-character regexes are the event contract's and the tests' own subject: rejecting
      // or fuzzing C0 characters in Vietnamese text fields (libs/domain/src/text-rules.ts).
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Node scripts and configs, CommonJS as package.json has no "type".
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Served to the browser as a classic script beside the pages (apps/api/src/dashboard).
    files: ['apps/api/src/dashboard/page-session.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
  {
    // Terminal programs: their output is the product.
    files: ['apps/cli/src/**/*.ts', 'apps/bench/src/**/*.ts', 'apps/faults/src/**/*.ts', 'apps/simulator/src/main.ts', 'scripts/**/*.js', 'test/infra/summary-reporter.js'],
    rules: { 'no-console': 'off' },
  },
  {
    files: TESTS,
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      // The classic assertion that can never fail: `expect(p).resolves…` / `.rejects…` not awaited
      // (house-style.md, testing-nestjs). Every async assertion is awaited or returned.
      'jest/valid-expect': ['error', { alwaysAwait: true }],
      // Helpers named expect… (expect400, expectWellFormed) assert; so does a fast-check property run.
      // supertest's `.expect(status)` asserts too.
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'fc.assert', '**.expect'] }],
      // jest's own version knows `expect(obj.method).toHaveBeenCalled…` reads a mock, not a call.
      '@typescript-eslint/unbound-method': 'off',
      'jest/unbound-method': 'error',
      // Preconditions are asserted in hooks (the pipeline applied the stream before the tests read
      // it), usually inside `eventually`, which retries its callback until its expects pass.
      'jest/no-standalone-expect': ['error', { additionalTestBlockFunctions: ['beforeAll', 'beforeEach', 'afterEach', 'afterAll', 'eventually'] }],
      // Off: the branches are table rows and property cases (`if (expected === undefined) …`), decided
      // by the test's own data, not by the code under test; each table has rows down every branch.
      'jest/no-conditional-expect': 'off',
      // Scoped to production code: in tests, `any` is what the tests read and then check — supertest's
      // `res.body`, JSON.parse of a scrape or a log line, YAML of rendered manifests — and what jest's
      // asymmetric matchers return (`expect.any(String)`). A cast per read (~400 of them) would state
      // the shape the expects are there to verify. Passing such a value on untyped
      // (no-unsafe-argument) and writing `any` (no-explicit-any) stay errors in tests too.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  prettier,
);
