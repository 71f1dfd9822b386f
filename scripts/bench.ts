// `npm run bench`: latency and DynamoDB calls per request through the local runtime, then each function's
// bundle size and cold-load time against a floor bundle (scripts/cold-start.ts).
// Prints results; asserts nothing (benchmarks are measurements, not tests).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal } from '../infra/local/start.ts';
import { documentClient, getRuntime, outbox } from '../lib/runtime.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { coldLoad, printColdLoad, synthFunctions } from './cold-start.ts';
import { CONCURRENCY, measure, N } from './measure.ts';
import { printMemory, residentMemory } from './memory.ts';
import { compareWithRaw, rawBaselines } from './raw-baseline.ts';

/** Runs `run` `total` times, CONCURRENCY at once, untimed. */
async function warmUp(total: number, run: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) await run(next++);
    }),
  );
}

async function main() {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // The functions as `cdk synth` bundles them, for the memory and cold-load sections.
  const synthDir = mkdtempSync(join(tmpdir(), 'codegate-bench-'));
  try {
    await run(synthFunctions(join(synthDir, 'cdk.out')));
  } finally {
    rmSync(synthDir, { recursive: true, force: true });
  }
}

async function run(functions: ReturnType<typeof synthFunctions>) {
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
    // The item counts of the send transactions, recorded: the raw baseline writes as many.
    const sendItems = new Set<number>();
    documentClient?.middlewareStack.add(
      (next, context) => async (args) => {
        calls.n++;
        const items = (args.input as { TransactItems?: unknown[] }).TransactItems;
        if (context.commandName === 'TransactWriteItemsCommand' && items) sendItems.add(items.length);
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

    // Warm-up, untimed: JIT in this process and in DynamoDB Local's JVM, every path the rows take. The
    // raw baselines are measured after it too, so both sides of each ratio run warm.
    await warmUp(N, async (i) => {
      const warm = `warm${i}@example.com`;
      await post('/v1/verifications', { channel: 'email', to: warm, purpose: 'login' }, ip(i + 2 * N));
      const code = outbox.list(warm)[0]?.text.match(/\b(\d{6})\b/)?.[1] ?? '';
      await post('/v1/verifications/check', { channel: 'email', to: warm, purpose: 'login', code: '000000' });
      await post('/v1/verifications/check', { channel: 'email', to: warm, purpose: 'login', code });
    });
    if (sendItems.size !== 1) throw new Error(`native sends wrote transactions of ${[...sendItems]} items`);
    const [sendItemCount = 0] = sendItems;
    process.stdout.write(
      `Codegate bench: ${N} requests per row after ${N} untimed warm-up rounds, concurrency ${CONCURRENCY}, DynamoDB Local\n\n`,
    );
    const raw = await rawBaselines(service, sendItemCount);
    sendItems.clear();
    const send = await measure(
      'native send (email)',
      N,
      (i) =>
        post('/v1/verifications', { channel: 'email', to: to(i), purpose: 'login' }, ip(i)).then(
          () => undefined,
        ),
      calls,
    );
    if (sendItems.size !== 1 || !sendItems.has(sendItemCount)) {
      throw new Error(`native sends wrote transactions of ${[...sendItems]} items`);
    }
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
    const check = await measure(
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
    compareWithRaw(raw, send, check);
    printMemory(await residentMemory(service, process.env.PEPPER ?? '', functions));
  } finally {
    await service.stop();
  }
  // After the service is down, so its load does not skew the fresh-process imports.
  printColdLoad(await coldLoad(functions));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
