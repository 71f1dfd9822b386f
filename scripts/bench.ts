// `npm run bench`: latency and DynamoDB calls per request through the local runtime, then each function's
// bundle size and cold-load time against a floor bundle (scripts/cold-start.ts).
// Prints results; asserts nothing (benchmarks are measurements, not tests).
import { randomBytes } from 'node:crypto';
import { startLocal } from '../infra/local/start.ts';
import { documentClient, getRuntime, outbox } from '../lib/runtime.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { coldLoad, printColdLoad } from './cold-start.ts';

const N = Number(process.env.BENCH_N ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function measure(name: string, total: number, run: (i: number) => Promise<void>, calls: { n: number }) {
  const times: number[] = [];
  calls.n = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await run(i);
        times.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const row = [
    name.padEnd(28),
    `${(total / elapsed).toFixed(0).padStart(5)} req/s`,
    `p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms`,
    `p95 ${percentile(times, 95).toFixed(1).padStart(6)} ms`,
    `p99 ${percentile(times, 99).toFixed(1).padStart(6)} ms`,
    `${(calls.n / total).toFixed(2)} DynamoDB calls/req`,
  ];
  process.stdout.write(`${row.join('  ')}\n`);
}

async function main() {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const service = await startLocal({
    port: 0,
    tenants: await loadTenantsFile(DEMO_TENANTS_FILE),
    tableName: `codegate-bench-${randomBytes(4).toString('hex')}`,
    printOutbox: false,
    trustProxy: true,
  });
  try {
    await getRuntime();
    const calls = { n: 0 };
    documentClient?.middlewareStack.add(
      (next) => async (args) => {
        calls.n++;
        return next(args);
      },
      { step: 'initialize', name: 'benchCount' },
    );
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(new URL(path, service.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-api-key', ...headers },
        body: JSON.stringify(body),
      }).then((response) => response.text());
    const ip = (i: number) => ({ 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
    const to = (i: number) => `bench${i}@example.com`;

    await post('/v1/verifications', { channel: 'email', to: 'warmup@example.com', purpose: 'login' });
    process.stdout.write(
      `Codegate bench: ${N} requests per row, concurrency ${CONCURRENCY}, DynamoDB Local\n\n`,
    );
    await measure(
      'native send (email)',
      N,
      (i) =>
        post('/v1/verifications', { channel: 'email', to: to(i), purpose: 'login' }, ip(i)).then(
          () => undefined,
        ),
      calls,
    );
    const codes = new Map(
      outbox.list().map((message) => [message.to, message.text.match(/\b(\d{6})\b/)?.[1] ?? '']),
    );
    await measure(
      'native check (wrong code)',
      N,
      (i) =>
        post('/v1/verifications/check', {
          channel: 'email',
          to: to(i),
          purpose: 'login',
          code: codes.get(to(i)) === '000000' ? '000001' : '000000',
        }).then(() => undefined),
      calls,
    );
    await measure(
      'native check (right code)',
      N,
      (i) =>
        post('/v1/verifications/check', {
          channel: 'email',
          to: to(i),
          purpose: 'login',
          code: codes.get(to(i)) ?? '',
        }).then(() => undefined),
      calls,
    );
    await measure(
      'seed 000 sendEmail',
      N,
      (i) =>
        fetch(
          new URL(
            `/v2/mail/enduserapi/v2/sendEmail?email=s${i}@example.com&emailType=1&userDomain=C.DM.5903.1`,
            service.url,
          ),
          {
            method: 'POST',
            headers: ip(i + N),
          },
        )
          .then((response) => response.text())
          .then(() => undefined),
      calls,
    );
    await measure(
      'seed 000 bad input (no I/O)',
      N,
      () =>
        fetch(new URL('/v2/mail/enduserapi/v2/sendEmail?email=nope', service.url), { method: 'POST' })
          .then((r) => r.text())
          .then(() => undefined),
      calls,
    );
  } finally {
    await service.stop();
  }
  // After the service is down, so its load does not skew the fresh-process imports.
  printColdLoad(await coldLoad());
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
