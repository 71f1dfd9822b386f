// The local captcha help (issue 12 item 7): GET /_local/captcha/{token} on the local runtime, and the EIAM
// walkthrough of docs/dialects/eiam.md run exactly as written (bash + curl + node) over real HTTP.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../lib/routes.ts';
import { advanceClock } from '../lib/runtime.ts';
import { startService, type TestService } from './helpers/service.ts';

const run = promisify(execFile);
const CLIENT_ID = 'nTo1eRIub60vPb54WeE6aojPwYwImtl4';
const OTHER_CLIENT_ID = 'otherClient00000000000000000000000';
const DOC = readFileSync(join(import.meta.dirname, '../docs/dialects/eiam.md'), 'utf8');

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

let caller = 0;
function device(clientId = CLIENT_ID): Record<string, string> {
  caller++;
  return {
    'x-operating-sys-version': 'linux',
    'x-device-fingerprint': `local-help-${caller}`,
    'x-agent': 'vitest',
    'x-client-id': clientId,
    'x-forwarded-for': `10.77.${caller >> 8}.${caller & 255}`,
  };
}

async function challenge(headers: Record<string, string>): Promise<string> {
  const response = await service.request('GET', '/api/v2/sdk/captcha', { headers });
  expect(response.status).toBe(200);
  return String(response.body.token);
}

const help = (token: string, headers: Record<string, string> = {}, query?: Record<string, string>) =>
  service.request('GET', `/_local/captcha/${token}`, { headers, query });

describe('the EIAM walkthrough in docs/dialects/eiam.md', () => {
  it('runs as written: challenge → answer from /_local/captcha → verify → send → the code in the outbox', async () => {
    const block = DOC.match(
      /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/,
    )?.[1];
    expect(block).toBeDefined();
    expect(block).toContain('/_local/captcha/$TOKEN');
    // Only the address changes: the test's runtime listens on a free port instead of 3000.
    const script = (block ?? '').replaceAll('http://127.0.0.1:3000', service.url);
    expect(script).not.toContain('127.0.0.1:3000');
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { timeout: 60_000 });

    // Each step printed what the doc says it prints.
    expect(stdout).toMatch(/"state":"open","x":\d+,"y":5,"pointJson":"\{\\"x\\":\d+\.0,\\"y\\":5\.0\}"/);
    const captchaToken = stdout.match(
      /\{"captcha_token":"([0-9a-f]{32})---\{\\"x\\":(\d+)\.0,\\"y\\":5\.0\}"\}/,
    );
    expect(captchaToken).not.toBeNull();
    // The send answered 200 with an empty body: the next thing printed is the outbox step's JSON.
    expect(stdout).toMatch(/^HTTP\/1\.1 200 OK\r$[\s\S]*?\r\n\r\n\{"messages":/m);

    // The mail went out, for REGISTER_EMS, and its code is the one the outbox step printed.
    const mails = service.messages('xczczx@bamboocloud.cn');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.purpose).toBe('register');
    const code = service.lastCode('xczczx@bamboocloud.cn');
    expect(stdout).toContain(code);
    const check = await service.request('POST', '/v1/verifications/check', {
      headers: { authorization: 'Bearer demo-api-key' },
      json: { channel: 'email', to: 'xczczx@bamboocloud.cn', purpose: 'register', code },
    });
    expect(check.body).toEqual({ valid: true, status: 'approved' });
  }, 90_000);
});

describe('GET /_local/captcha/{token}', () => {
  it('shows the answer that passes verify, for the X-client-id or ?tenant= of the challenge', async () => {
    const headers = device();
    const token = await challenge(headers);
    const byClientId = await help(token, { 'x-client-id': CLIENT_ID });
    expect(byClientId.status).toBe(200);
    expect(byClientId.headers.get('cache-control')).toBe('no-store');
    const byTenant = await help(token, {}, { tenant: 'demo' });
    expect(byTenant.body).toEqual(byClientId.body);
    const { x, y, pointJson, state, tenant, expiresAt } = byClientId.body;
    expect({ state, tenant, y }).toEqual({ state: 'open', tenant: 'demo', y: 5 });
    expect(x).toBeGreaterThanOrEqual(50);
    expect(x).toBeLessThanOrEqual(253);
    expect(pointJson).toBe(`{"x":${x}.0,"y":5.0}`);
    const remaining = Date.parse(expiresAt) - Date.now();
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(120_000);

    const verified = await service.request('POST', '/api/v2/sdk/captcha/verify', {
      headers,
      json: { point_json: pointJson, token, sender: 'helped@example.com' },
    });
    expect(verified.status).toBe(200);
    // The attempt consumed the answer: the help says so and shows no x any more.
    const after = await help(token, { 'x-client-id': CLIENT_ID });
    expect(after.body.state).toBe('used');
    expect(after.body.x).toBeUndefined();
    expect(after.body.pointJson).toBeUndefined();
  });

  it('reading the answer does not spend the challenge, and it reads as expired after 120 s', async () => {
    const headers = device();
    const token = await challenge(headers);
    for (let i = 0; i < 3; i++)
      expect((await help(token, { 'x-client-id': CLIENT_ID })).body.state).toBe('open');
    advanceClock(121_000);
    const late = await help(token, { 'x-client-id': CLIENT_ID });
    expect(late.body.state).toBe('expired');
    expect(typeof late.body.x).toBe('number');
  });

  it('404 for a token the tenant did not issue; 400 when no tenant is named', async () => {
    const token = await challenge(device());
    // Another tenant's client id: the keyed hash includes the tenant, so nothing is found.
    expect((await help(token, { 'x-client-id': OTHER_CLIENT_ID })).status).toBe(404);
    expect((await help(token, {}, { tenant: 'other' })).status).toBe(404);
    expect((await help('0'.repeat(32), { 'x-client-id': CLIENT_ID })).body).toEqual({
      message: 'no such captcha challenge for this tenant',
    });
    expect((await help('NOT-A-TOKEN', { 'x-client-id': CLIENT_ID })).status).toBe(404);
    expect((await help(token, { 'x-client-id': 'no-such-client' })).status).toBe(400);
    const unnamed = await help(token);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.message).toMatch(/X-client-id.*\?tenant=/);
  });

  it('is never deployed: no API route serves /_local, and only the local runtime imports the help', () => {
    expect(ROUTES.filter((route) => route.path.startsWith('/_local'))).toEqual([]);
    const importers: string[] = [];
    for (const dir of [
      'functions',
      'lib',
      'lib/captcha',
      'lib/dialects/eiam',
      'lib/http',
      'infra',
      'infra/local',
    ]) {
      const full = join(import.meta.dirname, '..', dir);
      for (const file of readdirSync(full).filter((name) => name.endsWith('.ts'))) {
        if (readFileSync(join(full, file), 'utf8').includes('local-help')) importers.push(`${dir}/${file}`);
      }
    }
    expect(importers).toEqual(['infra/local/local-routes.ts']);
  });
});
