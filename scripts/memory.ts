// `npm run bench` (memory section): the resident memory of one bundled handler invoked 2,000 times in one
// process, as a Lambda container would run it — the bundle `cdk synth` writes, started as the Lambda Node.js
// runtime starts it: through the function's launch wrapper (AWS_LAMBDA_EXEC_WRAPPER), with the flags the
// runtime passes for the function's memory size and with the function's NODE_OPTIONS — native send
// (delivering through the real SES client to a local stand-in endpoint) and native check (wrong codes: the
// evaluating path), against DynamoDB Local. A floor row runs a bundle
// that holds only a DynamoDB client making one UpdateItem per invocation, started the same way: the part of
// the figure that is Node, V8 and the SDK rather than Codegate.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleLike, FLOOR, lambdaLaunch } from './cold-start.ts';
import { median } from './measure.ts';
import type { DeployedFunction } from './synth-functions.ts';

const INVOCATIONS = 2_000;
export const MAX_MB = 100;
/** "Flat": from invocation 1,000 to 2,000 the RSS may grow by at most this much. */
export const MAX_GROWTH_MB = 5;
/** After the full GC, how long the sample waits: V8 returns freed pages from background threads. */
const SETTLE_MS = 250;

/**
 * Where the child samples: three points before 1,000 and before 2,000 invocations, each figure being the
 * median of its three (one sample moves by a few MB with where V8's collector happens to stand).
 */
const SAMPLES = [900, 950, 1_000, 1_900, 1_950, 2_000];

/**
 * Runs in the child: imports the bundle, invokes it, and after each sampled invocation runs a full GC, lets
 * V8 hand the freed pages back, then records RSS and heap in use (MB); last, the peak RSS of the whole run.
 */
const DRIVER = `
const { handler } = await import(process.argv[1]);
const route = process.argv[2];
const samples = [];
for (let i = 0; i < ${INVOCATIONS}; i++) {
  const to = 'mem' + i + '@bench.example.com';
  const body = route === 'native-send'
    ? { channel: 'email', to, purpose: 'login' }
    : { channel: 'email', to, purpose: 'login', code: '000000' };
  const path = route === 'native-send' ? '/v1/verifications' : '/v1/verifications/check';
  const response = await handler({
    version: '2.0', routeKey: 'POST ' + path, rawPath: path, rawQueryString: '',
    headers: { authorization: 'Bearer demo-api-key', 'content-type': 'application/json' },
    requestContext: { http: { method: 'POST', path, sourceIp: '10.9.' + (i >> 8) + '.' + (i & 255) }, requestId: 'mem-' + i },
    body: JSON.stringify(body), isBase64Encoded: false,
  }, { awsRequestId: 'mem-' + i, functionName: route, getRemainingTimeInMillis: () => 10000 });
  if (response.statusCode >= 500) throw new Error('invocation ' + i + ' answered ' + response.statusCode + ' ' + response.body);
  if (${JSON.stringify(SAMPLES)}.includes(i + 1)) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, ${SETTLE_MS}));
    const { rss, heapUsed } = process.memoryUsage();
    samples.push(rss / 1048576, heapUsed / 1048576);
  }
}
// The high-water mark of this process's own memory map (getrusage's peak would carry the parent's across exec).
const { readFileSync } = await import('node:fs');
samples.push(Number(readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\\s+(\\d+)/)?.[1] ?? 0) / 1024);
// The flags Node really runs with (the wrapper's changes included), up to the driver's own.
const flags = process.execArgv.slice(0, process.execArgv.indexOf('--input-type=module'));
process.stdout.write(JSON.stringify({ samples, flags }));
`;

/** The floor's handler: a bare DynamoDB client, one UpdateItem per invocation on the service's table. */
const FLOOR_ENTRY = `
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT });
export const handler = async (event) => {
  await client.send(new UpdateItemCommand({
    TableName: process.env.TABLE_NAME,
    Key: { pk: { S: 'FLOOR#' + event.requestContext.requestId }, sk: { S: 'FLOOR' } },
    UpdateExpression: 'ADD n :one',
    ExpressionAttributeValues: { ':one': { N: '1' } },
  }));
  return { statusCode: 200, body: '{}' };
};
`;

/** A stand-in SES endpoint: accepts every SendEmail like SES's query API does. */
async function fakeSes() {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        '<SendEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendEmailResult>' +
          '<MessageId>bench</MessageId></SendEmailResult><ResponseMetadata><RequestId>bench</RequestId>' +
          '</ResponseMetadata></SendEmailResponse>',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export interface MemoryRow {
  name: string;
  /** RSS (MB) after 1,000 and 2,000 invocations (each the median of the samples at 900–1,000, 1,900–2,000). */
  at1000: number;
  at2000: number;
  /** V8 heap in use (MB) at the same points: growth here, not in RSS alone, would be a leak. */
  heap1000: number;
  heap2000: number;
  /** The highest RSS (MB) of the whole run, between the samples included. */
  peak: number;
  /**
   * The Node flags the process ran with, as it saw them (Lambda's for the function's memory size, as the
   * launch wrapper left them), and its NODE_OPTIONS.
   */
  flags: string;
}

/**
 * Measures native send, native check and the floor, each in its own fresh process started as Lambda starts
 * it, against the service's table.
 */
export async function residentMemory(
  service: { endpoint: string; tableName: string },
  pepper: string,
  functions: ReadonlyMap<string, DeployedFunction>,
) {
  const dir = mkdtempSync(join(tmpdir(), 'codegate-mem-'));
  const ses = await fakeSes();
  try {
    writeFileSync(join(dir, 'floor.mjs'), FLOOR_ENTRY);
    const floor = await bundleLike(join(dir, 'floor.mjs'), join(dir, 'floor', 'index.mjs'), {}, {});
    const rows: MemoryRow[] = [];
    for (const name of ['native-send', 'native-check', FLOOR]) {
      // The floor starts like native-send: same memory size, same NODE_OPTIONS.
      const deployed = functions.get(name === FLOOR ? 'native-send' : name);
      if (!deployed) throw new Error(`no function ${name}`);
      const launch = lambdaLaunch(deployed);
      // Asynchronously: the stand-in SES endpoint answers from this process's event loop.
      const { stdout: out } = await promisify(execFile)(
        launch.command,
        [...launch.args, '--input-type=module', '-e', DRIVER, name === FLOOR ? floor : deployed.file, name],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
          env: {
            PATH: process.env.PATH,
            ...launch.env,
            TABLE_NAME: service.tableName,
            DYNAMODB_ENDPOINT: service.endpoint,
            PEPPER: pepper,
            DELIVERY: 'aws',
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'bench',
            AWS_SECRET_ACCESS_KEY: 'bench',
            AWS_ENDPOINT_URL_SES: ses.url,
            POWERTOOLS_LOG_LEVEL: 'ERROR',
            POWERTOOLS_METRICS_DISABLED: 'true',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
        },
      );
      const { samples, flags } = JSON.parse(out) as { samples: number[]; flags: string[] };
      // Pairs of (RSS, heap) per sampled point, then the peak.
      const rss = (from: number) => median([0, 1, 2].map((k) => samples[2 * (from + k)] ?? 0));
      const heap = (from: number) => median([0, 1, 2].map((k) => samples[2 * (from + k) + 1] ?? 0));
      const [at1000, at2000, heap1000, heap2000] = [rss(0), rss(3), heap(0), heap(3)];
      const peak = samples[2 * SAMPLES.length] ?? 0;
      rows.push({
        name,
        at1000,
        at2000,
        heap1000,
        heap2000,
        peak,
        flags: [
          ...flags,
          ...(launch.env.NODE_OPTIONS ? [`NODE_OPTIONS=${launch.env.NODE_OPTIONS}`] : []),
        ].join(' '),
      });
    }
    return rows;
  } finally {
    ses.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints RSS after 1,000 and 2,000 invocations with the verdict, and the floor beside them. */
export function printMemory(rows: MemoryRow[]): void {
  process.stdout.write(
    `\nresident memory of one bundled handler, ${INVOCATIONS} invocations in one process ` +
      `(each figure the median of samples at ${SAMPLES.slice(0, 3).join(', ')} and at ${SAMPLES.slice(3).join(', ')}, ` +
      `taken after a full GC and ${SETTLE_MS} ms; flags: ${rows[0]?.flags ?? ''}):\n`,
  );
  for (const row of rows) {
    const growth = row.at2000 - row.at1000;
    const ok = row.at2000 <= MAX_MB && row.at1000 <= MAX_MB && growth <= MAX_GROWTH_MB;
    const verdict = row.name === FLOOR ? '' : ok ? 'within budget' : 'OVER BUDGET';
    process.stdout.write(
      `  ${row.name.padEnd(30)} ${row.at1000.toFixed(1).padStart(6)} MB at 1,000  ${row.at2000.toFixed(1).padStart(6)} MB at 2,000` +
        `  (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB; heap ${row.heap1000.toFixed(1)} → ${row.heap2000.toFixed(1)} MB;` +
        ` peak ${row.peak.toFixed(1)} MB)  ${verdict}\n`,
    );
  }
  process.stdout.write(`  budget: ≤ ${MAX_MB} MB at both samples and flat (≤ +${MAX_GROWTH_MB} MB)\n`);
}
