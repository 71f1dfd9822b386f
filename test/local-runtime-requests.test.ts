// The local runtime's request handling: the client IP behind a proxy, and log lines that name the
// request that wrote them while many requests run at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { startService, type TestService } from './helpers/service.ts';
import { capturedOutput } from './setup/log-guard.ts';

let service: TestService;

beforeAll(async () => {
  const tenants = await loadTenantsFile(DEMO_TENANTS_FILE);
  const demo = tenants.tenants.find((tenant) => tenant.id === 'demo');
  if (!demo) throw new Error('no demo tenant');
  // Three sends per client IP, so the IP the runtime picked shows in who gets refused.
  demo.limits.perIp = { limit: 3, windowSeconds: 3600 };
  service = await startService({ tenants, trustProxy: true });
});
afterAll(async () => {
  await service?.stop();
});

const send = (to: string, headers: Record<string, string> = {}) =>
  service.request('POST', '/v1/verifications', {
    json: { channel: 'email', to, purpose: 'login' },
    headers: { authorization: 'Bearer demo-api-key', ...headers },
  });

describe('TRUST_PROXY=1', () => {
  it('takes the right-most X-Forwarded-For entry: a client-chosen left part does not reset the per-IP limit', async () => {
    const via = (left: string, proxySaw: string) => ({ 'x-forwarded-for': `${left}, ${proxySaw}` });
    for (const [i, left] of ['198.51.100.1', '198.51.100.2', '198.51.100.3'].entries()) {
      expect((await send(`xff-${i}@example.com`, via(left, '203.0.113.7'))).status).toBe(201);
    }
    // A fourth client-chosen left-most address, same address seen by the proxy: the limit holds.
    expect((await send('xff-3@example.com', via('198.51.100.4', '203.0.113.7'))).status).toBe(429);
    // Another address seen by the proxy is another client.
    expect((await send('xff-4@example.com', via('198.51.100.1', '203.0.113.8'))).status).toBe(201);
  });
});

describe('log lines under concurrency', () => {
  it('each line carries the request id of the request that wrote it (40 sends at once)', async () => {
    const from = capturedOutput().length;
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        send(`concurrent-${i}@example.com`, { 'x-forwarded-for': `192.0.2.${i + 1}` }),
      ),
    );
    // The verification id each response names, by the request id API Gateway (and the runtime) report.
    const requestOf = new Map<string, string>();
    for (const response of responses) {
      expect(response.status).toBe(201);
      const requestId = response.headers.get('apigw-requestid');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      requestOf.set(response.body.id, requestId ?? '');
    }
    expect(new Set(requestOf.values()).size).toBe(40);

    const lines = capturedOutput()
      .slice(from)
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"requestId"'))
      .map((line) => JSON.parse(line) as { message: string; requestId: string; id?: string });
    const sent = lines.filter((line) => line.message === 'code sent');
    expect(sent).toHaveLength(40);
    for (const line of sent) expect(line.requestId, `line for ${line.id}`).toBe(requestOf.get(line.id ?? ''));
    // And no line anywhere names a request that did not happen.
    const known = new Set(requestOf.values());
    for (const line of lines) expect(known.has(line.requestId)).toBe(true);
  });
});
