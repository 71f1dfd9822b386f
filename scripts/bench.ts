// `npm run bench`: latency and DynamoDB calls per request through the local runtime, then each function's
// bundle size and cold-load time against a floor bundle (scripts/cold-start.ts).
// Prints results; asserts nothing (benchmarks are measurements, not tests).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TransactWriteCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { startLocal } from '../infra/local/start.ts';
import { documentClient, getRuntime, outbox } from '../lib/runtime.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { coldLoad, launchWrapperCost, printColdLoad, printLaunchWrapperCost } from './cold-start.ts';
import { CONCURRENCY, http, measure, N, paired, REPEATS } from './measure.ts';
import { printMemory, residentMemory } from './memory.ts';
import { compareWithRaw, copyItems, replayer } from './raw-baseline.ts';
import { synthFunctions } from './synth-functions.ts';

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
    // While a row runs with `recording` set, the inputs of the DynamoDB commands of that name its requests
    // send, as the document client got them: the raw baselines replay exactly these.
    let recording: { command: string; inputs: unknown[] } | undefined;
    documentClient?.middlewareStack.add(
      (next, context) => async (args) => {
        calls.n++;
        const row = recording;
        if (row && row.command === context.commandName) row.inputs.push(structuredClone(args.input));
        return next(args);
      },
      { step: 'initialize', name: 'benchRecord' },
    );
    /** Runs a row with the inputs of its `command`s recorded into `inputs` (one per request). */
    const recorded = async <R>(command: string, inputs: unknown[], row: () => Promise<R>) => {
      recording = { command, inputs };
      try {
        const result = await row();
        if (inputs.length !== N) throw new Error(`${N} requests recorded ${inputs.length} ${command}s`);
        return result;
      } finally {
        recording = undefined;
      }
    };
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      http(new URL(path, service.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-api-key', ...headers },
        body: JSON.stringify(body),
      });
    const ip = (i: number) => ({ 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });

    // Warm-up, untimed: JIT in this process and in DynamoDB Local's JVM, every path the rows take (the
    // replays of the raw baselines use the same commands).
    await warmUp(N, async (i) => {
      const warm = `warm${i}@example.com`;
      await post('/v1/verifications', { channel: 'email', to: warm, purpose: 'login' }, ip(i + 2 * N));
      const code = outbox.list(warm)[0]?.text.match(/\b(\d{6})\b/)?.[1] ?? '';
      await post('/v1/verifications/check', { channel: 'email', to: warm, purpose: 'login', code: '000000' });
      await post('/v1/verifications/check', { channel: 'email', to: warm, purpose: 'login', code });
    });
    process.stdout.write(
      `Codegate bench: ${N} requests per row after ${N} untimed warm-up rounds, concurrency ${CONCURRENCY}, DynamoDB Local\n\n`,
    );
    // One HTTP round trip through the local runtime that touches nothing: the raw side's share of HTTP.
    const trivial = () =>
      http(new URL('/_local/outbox?to=nobody@bench.invalid', service.url)).then(() => undefined);
    // Each Codegate row alternates, chunk by chunk, with the replay of the DynamoDB commands it sent, each
    // followed by the trivial round trip: both sides make one HTTP round trip and the same DynamoDB call,
    // under the same load. Repeated on fresh addresses: one round's ratio moves with the machine.
    const replay = replayer(service);
    const rounds: Array<{ send: { ours: number; raw: number }; check: { ours: number; raw: number } }> = [];
    let items = 0;
    for (let round = 1; round <= REPEATS; round++) {
      const to = (i: number) => `bench${round}-${i}@example.com`;
      const sends: TransactWriteCommandInput[] = [];
      const send = await recorded('TransactWriteItemsCommand', sends, () =>
        paired(
          [`native send (email) #${round}`, `raw: send's transaction + HTTP #${round}`],
          N,
          (i) =>
            post(
              '/v1/verifications',
              { channel: 'email', to: to(i), purpose: 'login' },
              ip(i + (2 + round) * N),
            ).then(() => undefined),
          (i) => replay.transaction(sends[i] as TransactWriteCommandInput, i + round * N).then(trivial),
          calls,
        ),
      );
      items = sends[0]?.TransactItems?.length ?? 0;
      const codes = new Map(
        outbox.list().map((message) => [message.to, message.text.match(/\b(\d{6})\b/)?.[1] ?? '']),
      );
      await measure(
        `native check (wrong code) #${round}`,
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
      // Copies of the items the checks will update, as they stand after the wrong guesses (untimed).
      const copies = await copyItems(service, sends);
      const checks: UpdateCommandInput[] = [];
      const check = await recorded('UpdateItemCommand', checks, () =>
        paired(
          [`native check (right code) #${round}`, `raw: check's update + HTTP #${round}`],
          N,
          (i) =>
            post('/v1/verifications/check', {
              channel: 'email',
              to: to(i),
              purpose: 'login',
              code: codes.get(to(i)) ?? '',
            }).then(() => undefined),
          (i) => replay.update(checks[i] as UpdateCommandInput, copies).then(trivial),
          calls,
        ),
      );
      rounds.push({ send, check });
    }
    replay.close();
    await measure(
      'seed 000 sendEmail',
      N,
      (i) =>
        http(
          new URL(
            `/v2/mail/enduserapi/v2/sendEmail?email=s${i}@example.com&emailType=1&userDomain=C.DM.5903.1`,
            service.url,
          ),
          { method: 'POST', headers: ip(i + N) },
        ).then(() => undefined),
      calls,
    );
    await measure(
      'seed 000 bad input (no I/O)',
      N,
      () =>
        http(new URL('/v2/mail/enduserapi/v2/sendEmail?email=nope', service.url), { method: 'POST' }).then(
          () => undefined,
        ),
      calls,
    );
    await measure('trivial HTTP round trip', N, trivial, { n: 0 });
    compareWithRaw(rounds, items);
    printMemory(await residentMemory(service, process.env.PEPPER ?? '', functions));
  } finally {
    await service.stop();
  }
  // After the service is down, so its load does not skew the fresh-process imports.
  printColdLoad(await coldLoad(functions));
  printLaunchWrapperCost(launchWrapperCost(functions));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
