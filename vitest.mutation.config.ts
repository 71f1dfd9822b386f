// Mutation testing (`npm run test:mutation`, stryker.config.mjs): only the suites that reach the mutated
// files — the security helpers and the engine. Kept out of `npm test`, whose config includes every suite.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/units.test.ts',
      'test/session.test.ts',
      'test/signature.test.ts',
      'test/crypto-known-answers.test.ts',
      'test/address-mask.test.ts',
      'test/engine.test.ts',
      'test/engine-edges.test.ts',
      // lib/engine/external.ts at the engine: lookup lifetime and sealing, resend retries, stale ids.
      'test/engine-external.test.ts',
      'test/lifetimes.test.ts',
      'test/concurrency.test.ts',
      'test/round-trips.test.ts',
      // lib/engine/external.ts (ids named by the Twilio dialect) is driven end to end by the official client.
      // The Twilio fuzz suite (a minute per run) is left to `npm test`.
      'test/twilio-client.test.ts',
      // lib/engine/external.ts reports a verification ended by a status update (a log line and a metric).
      'test/observability.test.ts',
      // lib/engine/pumping-guard.ts and sms-prices.ts: the guard's decisions at the engine, with an injected clock.
      'test/pumping-guard.test.ts',
    ],
    // The engine suites need DynamoDB Local, started once per Stryker worker.
    globalSetup: ['test/setup/dynamodb-local.ts'],
    setupFiles: ['test/setup/log-guard.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'DEBUG' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
