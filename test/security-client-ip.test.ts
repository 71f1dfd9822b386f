// Issue 20, item 3: an app server sending on its users' behalf names the end user — native `clientIp`, Twilio
// `DeviceIp` — and the tenant's per-IP limit counts that user, not the server. Through the local runtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitKeyOfIp, parseIp } from '../lib/ip.ts';
import { demoTenantsWithPerIp, startService, type TestService, twilioPost } from './helpers/service.ts';

const PER_IP = 3;
let service: TestService;

beforeAll(async () => {
  service = await startService({ tenants: await demoTenantsWithPerIp(PER_IP) });
});
afterAll(async () => {
  await service?.stop();
});

let n = 0;
const fresh = () => `user${++n}@example.com`;
/** A native send from the app server at `server` (its source address), optionally naming the end user. */
const send = (server: string, to: string, clientIp?: unknown) =>
  service.request('POST', '/v1/verifications', {
    json: { channel: 'email', to, purpose: 'login', ...(clientIp === undefined ? {} : { clientIp }) },
    headers: { authorization: 'Bearer demo-api-key', 'x-forwarded-for': server },
  });

describe('parseIp', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::1', '::1'],
  ])('%s reads as %s', (raw, canonical) => {
    expect(parseIp(raw)).toBe(canonical);
  });

  it.each([
    '',
    'localhost',
    '192.0.2.256',
    '01.2.3.4',
    ' 192.0.2.1',
    '2001:db8::1::2',
    'fe80::1%eth0',
    '1.2.3',
  ])('%j is refused', (raw) => {
    expect(parseIp(raw)).toBeUndefined();
  });
});

describe('limitKeyOfIp', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['not-an-ip', 'not-an-ip'],
  ])('%s counts as %s', (raw, key) => {
    expect(limitKeyOfIp(raw)).toBe(key);
  });
});

describe('native clientIp', () => {
  it('five end users behind one server each get their send, past what the server alone may send', async () => {
    const server = '198.51.100.10';
    const statuses = [];
    for (let user = 1; user <= 5; user++)
      statuses.push((await send(server, fresh(), `203.0.113.${user}`)).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201]);
  });

  it("one end user is limited at the tenant's per-IP limit, whatever addresses it asks for", async () => {
    const server = '198.51.100.11';
    const statuses = [];
    for (let i = 0; i <= PER_IP; i++) statuses.push(await send(server, fresh(), '203.0.113.77'));
    expect(statuses.map((answer) => answer.status)).toEqual([201, 201, 201, 429]);
    expect(statuses[PER_IP]?.body.error.code).toBe('rate_limited');
    // Another end user of the same server still gets through.
    expect((await send(server, fresh(), '203.0.113.78')).status).toBe(201);
  });

  it('without clientIp the limit counts the calling server', async () => {
    const server = '198.51.100.12';
    const statuses = [];
    for (let i = 0; i <= PER_IP; i++) statuses.push((await send(server, fresh())).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
  });

  it('two spellings of one IPv6 address are one end user', async () => {
    const spellings = ['2001:DB8::42', '2001:db8:0:0:0:0:0:42', '2001:db8::42', '2001:0db8::0042'];
    const statuses = [];
    for (const ip of spellings) statuses.push((await send('198.51.100.13', fresh(), ip)).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
  });

  it('an IPv6 client counts by its /64: rotating addresses inside one prefix is one end user', async () => {
    const inPrefix = [
      '2001:db8:7:7::1',
      '2001:db8:7:7:aaaa::2',
      '2001:db8:7:7:ffff:ffff:ffff:ffff',
      '2001:db8:7:7::9',
    ];
    const statuses = [];
    for (const ip of inPrefix) statuses.push((await send('198.51.100.15', fresh(), ip)).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    // The next /64 is another client.
    expect((await send('198.51.100.15', fresh(), '2001:db8:7:8::1')).status).toBe(201);
  });

  it.each([['not-an-ip'], ['203.0.113.300'], [''], ['fe80::1%eth0'], [42], [['203.0.113.1']]])(
    'clientIp %j → 400 invalid_request naming clientIp, and nothing sent',
    async (clientIp) => {
      const to = fresh();
      const answer = await send('198.51.100.14', to, clientIp);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: { code: 'invalid_request', message: 'Invalid clientIp: expected an IPv4 or IPv6 address.' },
      });
      expect(service.messages(to)).toHaveLength(0);
    },
  );
});

describe('Twilio DeviceIp', () => {
  const create = (server: string, to: string, deviceIp?: string) =>
    twilioPost(
      {
        request: (method, path, options) =>
          service.request(method, path, {
            ...options,
            headers: { ...options?.headers, 'x-forwarded-for': server },
          }),
      },
      '/Verifications',
      { To: to, Channel: 'email', ...(deviceIp === undefined ? {} : { DeviceIp: deviceIp }) },
    );

  it('five devices behind one server each get their verification; one device meets the per-IP limit (20429, named)', async () => {
    const server = '198.51.100.20';
    const devices = [];
    for (let device = 1; device <= 5; device++)
      devices.push((await create(server, fresh(), `192.0.2.${device}`)).status);
    expect(devices).toEqual([201, 201, 201, 201, 201]);

    const same = [];
    for (let i = 0; i <= PER_IP; i++) same.push(await create(server, fresh(), '2001:db8:99:99::99'));
    expect(same.map((answer) => answer.status)).toEqual([201, 201, 201, 429]);
    // Twilio's 60203 is its per-To send limit only; Codegate's per-IP limit is told apart by code and name.
    expect(same[PER_IP]?.body.code).toBe(20429);
    expect(same[PER_IP]?.headers.get('twilio-reached-rate-limit')).toBe('device-ip');
  });

  it.each(['not-an-ip', '192.0.2.256', '192.0.2.1, 192.0.2.2', 'fe80::1%eth0'])(
    'DeviceIp %j → 60200 naming DeviceIp, and nothing sent',
    async (deviceIp) => {
      const to = fresh();
      const answer = await create('198.51.100.21', to, deviceIp);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        code: 60200,
        message: 'Invalid parameter `DeviceIp`: must be an IPv4 or IPv6 address',
        status: 400,
      });
      expect(service.messages(to)).toHaveLength(0);
    },
  );
});
