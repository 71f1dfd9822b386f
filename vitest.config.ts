import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that take a minute or more whatever else runs, started first: vitest orders a fresh clone (no timings
 * cached) by file size, which put test/vitest-busy-worker.test.ts (small, but 62 s asleep) last, and the run then
 * waited a minute on it with the other forks idle (CI: the next-to-last file to finish).
 */
const LONG_FIRST = [
  'test/vitest-busy-worker.test.ts',
  'test/infra.test.ts',
  'test/bundles.test.ts',
  'test/local-runtime-lifecycle.test.ts',
  'test/twilio-resources-fuzz.test.ts',
];

class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = LONG_FIRST.findIndex((name) => file.moduleId.endsWith(name));
      return index < 0 ? LONG_FIRST.length : index;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

// The main process talks to DynamoDB Local too (global setup): no SDK Node-version notice there either.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/dynamodb-local.ts'],
    // rpc-patience: a worker kept busy for a minute (cdk synth on a loaded machine) must not fail the
    // run with "Timeout calling onTaskUpdate" — see the file for why vitest 3.2 needs it.
    setupFiles: ['test/setup/rpc-patience.ts', 'test/setup/log-guard.ts'],
    // CDK_VALIDATION=false: CloudFormation's built-in validation costs 4-5 s of CPU to start in each process
    // that synthesizes (a dozen files, and the `cdk` commands they run); test/infra-validation.test.ts turns it
    // back on for the templates that between them hold every resource the stack makes.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      CDK_VALIDATION: 'false',
    },
    pool: 'forks',
    // Three forks on two cores: test/vitest-busy-worker.test.ts holds one fork for a minute while its child
    // run sleeps (Atomics.wait, no CPU), and most suites wait on DynamoDB Local or HTTP; with two forks that
    // minute ran the rest of the suite on one (4m53s idle for `npm test`, about 4m15s with three at the time).
    poolOptions: { forks: { maxForks: 3, minForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    sequence: { sequencer: LongFirstSequencer },
  },
});
