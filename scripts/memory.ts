// `npm run bench` (memory section): the resident memory of one bundled handler invoked 2,000 times in one
// process, as a Lambda container would be — native send (delivering through the real SES client to a local
// stand-in endpoint) and native check (wrong codes: the evaluating path), against DynamoDB Local.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../infra/service-function.ts';
import { ROUTES } from '../lib/routes.ts';
import { bundleLike } from './cold-start.ts';

const INVOCATIONS = 2_000;
const MAX_MB = 100;
/** "Flat": from invocation 1,000 to 2,000 the RSS may grow by at most this much. */
const MAX_GROWTH_MB = 5;

/** Runs in the child: imports the bundle, invokes it, prints RSS (MB) after a GC at 1,000 and 2,000. */
const DRIVER = `
const { handler } = await import(process.argv[1]);
const route = process.argv[2];
const rss = [];
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
  if (i === 999 || i === ${INVOCATIONS - 1}) {
    globalThis.gc();
    const { rss: resident, heapUsed } = process.memoryUsage();
    rss.push(resident / 1048576, heapUsed / 1048576);
  }
}
process.stdout.write(JSON.stringify(rss));
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
  /** RSS (MB) after 1,000 and 2,000 invocations. */
  at1000: number;
  at2000: number;
  /** V8 heap in use (MB) at the same points: growth here, not in RSS alone, would be a leak. */
  heap1000: number;
  heap2000: number;
}

/** Measures native send and native check, each in its own fresh process, against the service's table. */
export async function residentMemory(service: { endpoint: string; tableName: string }, pepper: string) {
  const dir = mkdtempSync(join(tmpdir(), 'codegate-mem-'));
  const ses = await fakeSes();
  try {
    const rows: MemoryRow[] = [];
    for (const name of ['native-send', 'native-check']) {
      const route = ROUTES.find((candidate) => candidate.name === name);
      if (!route) throw new Error(`no route ${name}`);
      const bundle = await bundleLike(
        join(PROJECT_ROOT, 'functions', `${name}.ts`),
        join(dir, name, 'index.mjs'),
        {
          'process.env.CODEGATE_MAIL': JSON.stringify(String(route.access.mail ?? false)),
          'process.env.CODEGATE_SMS': JSON.stringify(String(route.access.sms ?? false)),
          'process.env.CODEGATE_CAPTCHA_IMAGES': JSON.stringify(String(route.access.captchaImages ?? false)),
        },
      );
      // Asynchronously: the stand-in SES endpoint answers from this process's event loop.
      const { stdout: out } = await promisify(execFile)(
        process.execPath,
        ['--expose-gc', '--input-type=module', '-e', DRIVER, bundle, name],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
          env: {
            PATH: process.env.PATH,
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
      const [at1000 = 0, heap1000 = 0, at2000 = 0, heap2000 = 0] = JSON.parse(out) as number[];
      rows.push({ name, at1000, at2000, heap1000, heap2000 });
    }
    return rows;
  } finally {
    ses.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints RSS after 1,000 and 2,000 invocations with the verdict. */
export function printMemory(rows: MemoryRow[]): void {
  process.stdout.write(
    `\nresident memory of one bundled handler, ${INVOCATIONS} invocations in one process:\n`,
  );
  for (const row of rows) {
    const growth = row.at2000 - row.at1000;
    const ok = row.at2000 <= MAX_MB && growth <= MAX_GROWTH_MB;
    process.stdout.write(
      `  ${row.name.padEnd(14)} ${row.at1000.toFixed(1).padStart(6)} MB at 1,000  ${row.at2000.toFixed(1).padStart(6)} MB at 2,000` +
        `  (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB; heap ${row.heap1000.toFixed(1)} → ${row.heap2000.toFixed(1)} MB)` +
        `  ${ok ? 'within' : 'OVER'} ≤ ${MAX_MB} MB and flat (≤ +${MAX_GROWTH_MB} MB)\n`,
    );
  }
}
