// Mutation testing of the security helpers and the engine (`npm run test:mutation`; docs/architecture.md,
// "Test strength"). Not part of `npm test`: a full run takes tens of minutes on two cores.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // Only the suites that reach the mutated files; per-test coverage runs each mutant against the tests
  // that execute it.
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: [
    'lib/signature.ts',
    'lib/crypto.ts',
    'lib/session.ts',
    'lib/mask.ts',
    'lib/address.ts',
    'lib/engine/*.ts',
  ],
  // Nothing the suites above read lives here; copying it into every sandbox is wasted time.
  ignorePatterns: ['cdk.out', 'coverage', 'reports', 'test/artifacts', '.git'],
  tempDirName: '.stryker-tmp',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false },
  concurrency: 2,
  // DynamoDB Local on a loaded two-core machine: be generous before calling a mutant a timeout.
  timeoutMS: 30_000,
  timeoutFactor: 3,
  // Per-file targets (95% helpers, 90% engine) are checked by scripts/mutation-score.ts on the JSON report.
  thresholds: { high: 95, low: 90, break: null },
};
