// Issue 20 item 6: the local runtime's `/_local/*` routes answer only a loopback `Host` (or one named in
// LOCAL_ALLOWED_HOSTS), so a page that rebinds its own name to 127.0.0.1 (DNS rebinding) reads no codes.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hostAllowed, parseAllowedHosts } from '../infra/local/server.ts';
import { startLocalProcess, stopLocalProcess, userEnv } from './helpers/local-process.ts';
import { startService, type TestService } from './helpers/service.ts';

/** Every `/_local/*` route, with a method it answers. */
const LOCAL_ROUTES: [string, string][] = [
  ['GET', '/_local'],
  ['GET', '/_local/'],
  ['GET', '/_local/outbox.js'],
  ['GET', '/_local/outbox.css'],
  ['GET', '/_local/favicon.svg'],
  ['GET', '/_local/outbox?to=alice@example.com'],
  ['DELETE', '/_local/outbox'],
  ['GET', '/_local/events'],
  ['GET', '/_local/openapi.json'],
  ['GET', '/_local/captcha/0123456789abcdef0123456789abcdef?tenant=demo'],
];

/** One request with a chosen `Host` header (fetch would set its own). */
function withHost(base: string, method: string, path: string, host: string): Promise<number> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const call = request(
      { hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: { host } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    call.on('error', reject);
    call.end();
  });
}

describe('hostAllowed', () => {
  it('admits localhost, 127.0.0.1 and [::1] with or without a port, and nothing else unless allowed', () => {
    for (const host of ['localhost', 'LOCALHOST:3000', '127.0.0.1', '127.0.0.1:8080', '[::1]', '[::1]:3000'])
      expect(hostAllowed(host), host).toBe(true);
    for (const host of [
      undefined,
      '',
      'rebind.example',
      'rebind.example:3000',
      'localhost.rebind.example',
      '127.0.0.2',
      '::1',
      '0.0.0.0',
    ])
      expect(hostAllowed(host), String(host)).toBe(false);
    expect(hostAllowed('dev.example.test:3000', ['dev.example.test'])).toBe(true);
    expect(hostAllowed('other.example.test', ['dev.example.test'])).toBe(false);
  });

  it('LOCAL_ALLOWED_HOSTS is a comma-separated list, trimmed, lower-cased, ports dropped', () => {
    expect(parseAllowedHosts(' Dev.Example.Test , box.lan:3000,, ')).toEqual(['dev.example.test', 'box.lan']);
    expect(parseAllowedHosts(undefined)).toEqual([]);
  });
});

describe('the local routes on the local runtime', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it.each(LOCAL_ROUTES)('%s %s with Host: rebind.example is 403', async (method, path) => {
    expect(await withHost(service.url, method, path, 'rebind.example')).toBe(403);
    expect(await withHost(service.url, method, path, 'rebind.example:3000')).toBe(403);
  });

  it.each(LOCAL_ROUTES)('%s %s answers a loopback Host', async (method, path) => {
    const port = new URL(service.url).port;
    for (const host of [
      'localhost',
      `localhost:${port}`,
      '127.0.0.1',
      `127.0.0.1:${port}`,
      '[::1]',
      `[::1]:${port}`,
    ]) {
      const status = await withHost(service.url, method, path, host);
      // 200, 204, the 308 of /_local, or the captcha help's 404 for a token nobody issued: never 403.
      expect([200, 204, 308, 404], `${host}: ${status}`).toContain(status);
    }
  });

  it('the API routes are not affected: a Fresns or native request with another Host is still served', async () => {
    const status = await withHost(
      service.url,
      'GET',
      '/v1/verifications?channel=email&to=a@example.com&purpose=login',
      'rebind.example',
    );
    expect(status).toBe(401); // the native API's own answer to a missing key, not the local guard's 403
  });
});

describe('LOCAL_ALLOWED_HOSTS on npm start', () => {
  let started: Awaited<ReturnType<typeof startLocalProcess>> | undefined;
  beforeAll(async () => {
    const env = userEnv('0', {
      DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
      TABLE_NAME: `codegate-host-${process.pid}`,
      LOCAL_ALLOWED_HOSTS: 'dev.example.test',
    });
    // Set in this worker by the in-process service above; a user's shell has no such thing.
    delete env.AWS_LAMBDA_MAX_CONCURRENCY;
    started = await startLocalProcess(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], { env });
  }, 120_000);
  afterAll(async () => {
    await stopLocalProcess(started?.child);
  });

  it('admits the named host and loopback, and still refuses any other', async () => {
    const url = started?.url ?? '';
    expect(await withHost(url, 'GET', '/_local/outbox', 'dev.example.test')).toBe(200);
    expect(await withHost(url, 'GET', '/_local/outbox', 'DEV.example.test:3000')).toBe(200);
    expect(await withHost(url, 'GET', '/_local/outbox', 'localhost')).toBe(200);
    expect(await withHost(url, 'GET', '/_local/outbox', 'rebind.example')).toBe(403);
  });
});
