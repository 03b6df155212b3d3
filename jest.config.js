/** Two projects: pure specs beside the source, and end-to-end tests against real Kafka/PostgreSQL/Redis. */
const moduleNameMapper = { '^@tthc/(.*)$': '<rootDir>/libs/$1/src' };
// Type-checking is `npm run typecheck`'s job; tsconfig's isolatedModules makes ts-jest transpile only.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] };

module.exports = {
  // Per-project testTimeout is ignored by Jest 30; e2e tests wait on a real pipeline.
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/infra/summary-reporter.js'],
  rootDir: __dirname,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
      testEnvironment: 'node',
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      // End-to-end suites, and integration specs kept beside the code they test (handlers, repositories, the batch runner).
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/libs/**/*.int-spec.ts', '<rootDir>/apps/**/*.int-spec.ts'],
      testEnvironment: 'node',
      moduleNameMapper,
      transform,
      globalSetup: '<rootDir>/test/infra/global-setup.ts',
      globalTeardown: '<rootDir>/test/infra/global-teardown.ts',
    },
  ],
};
