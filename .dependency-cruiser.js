/**
 * The architecture, checked on every `npm test` (house style 1): the domain is plain TypeScript,
 * libraries never reach into apps, and apps do not import each other.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-framework-free',
      comment: 'libs/domain holds the metric math and folds: no Nest, ORM, Kafka, Redis or validation framework.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: ['node_modules/(@nestjs|typeorm|kafkajs|ioredis|pg|class-validator|class-transformer|pino)'] },
    },
    {
      name: 'domain-depends-on-nothing-of-ours',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: '^(libs/(?!domain/)|apps/)' },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-do-not-import-each-other',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.spec\\.ts$|\\.int-spec\\.ts$|^dist/)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
