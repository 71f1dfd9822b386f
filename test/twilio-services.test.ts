// The Services API (create, list, fetch, update, delete) and Twilio's 404 for every other /v2 path, driven by the
// official `twilio` npm client against the local runtime, plus the raw wire where the client hides it.
import { readFileSync } from 'node:fs';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_PARAMETERS } from '../lib/dialects/twilio/services.ts';
import { startService, type TestService } from './helpers/service.ts';
import { DEMO_TWILIO, LocalHttpClient, restError } from './helpers/twilio-client.ts';

const { account: ACCOUNT, token: TOKEN } = DEMO_TWILIO;
const DEMO_SERVICE: string = DEMO_TWILIO.service;
const OTHER_ACCOUNT = 'AC00000000000000000000000000000002';
const OTHER_TOKEN = 'other-twilio-auth-token';

let service: TestService;
let client: twilio.Twilio;
let other: twilio.Twilio;
const basic = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
const FORM = { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' };

beforeAll(async () => {
  service = await startService();
  client = twilio(ACCOUNT, TOKEN, { httpClient: new LocalHttpClient(service.url) });
  other = twilio(OTHER_ACCOUNT, OTHER_TOKEN, { httpClient: new LocalHttpClient(service.url) });
});
afterAll(async () => {
  await service?.stop();
});

let phone = 10;
const nextPhone = () => `+120255507${String(++phone).padStart(2, '0').slice(-2)}`;

describe('the Services API through the official client', () => {
  it('creates a service whose verifications send codes of its length, naming it', async () => {
    const created = await client.verify.v2.services.create({ friendlyName: 'Acme Eight', codeLength: 8 });
    expect(created.sid).toMatch(/^VA[0-9a-f]{32}$/);
    expect(created).toMatchObject({ accountSid: ACCOUNT, friendlyName: 'Acme Eight', codeLength: 8 });
    expect(created.dateCreated).toBeInstanceOf(Date);

    const to = nextPhone();
    const verification = await client.verify.v2
      .services(created.sid)
      .verifications.create({ to, channel: 'sms' });
    expect(verification).toMatchObject({ serviceSid: created.sid, status: 'pending' });
    const [message] = service.messages(to);
    expect(message?.text).toContain('Acme Eight');
    expect(message?.text).toMatch(/\b\d{8}\b/);
    expect(message?.text).not.toMatch(/\b\d{6}\b/);
    const check = await client.verify.v2
      .services(created.sid)
      .verificationChecks.create({ to, code: service.lastCode(to) });
    expect(check.status).toBe('approved');
  });

  it('lists the tenants-file service and the new one; another account sees neither', async () => {
    const created = await client.verify.v2.services.create({ friendlyName: 'Listed' });
    const listed = await client.verify.v2.services.list();
    const sids = listed.map((entry) => entry.sid);
    expect(sids).toContain(DEMO_SERVICE);
    expect(sids).toContain(created.sid);
    expect(listed.find((entry) => entry.sid === DEMO_SERVICE)?.friendlyName).toBe('Codegate Demo');

    const theirs = (await other.verify.v2.services.list()).map((entry) => entry.sid);
    expect(theirs).not.toContain(DEMO_SERVICE);
    expect(theirs).not.toContain(created.sid);
    expect((await restError(other.verify.v2.services(created.sid).fetch())).code).toBe(20404);
    expect((await restError(other.verify.v2.services(DEMO_SERVICE).fetch())).code).toBe(20404);
    const send = other.verify.v2
      .services(created.sid)
      .verifications.create({ to: nextPhone(), channel: 'sms' });
    expect((await restError(send)).code).toBe(20404);
  });

  it('pages through many services with the client (PageSize 2), each once', async () => {
    const made = [];
    for (let i = 0; i < 5; i++)
      made.push((await client.verify.v2.services.create({ friendlyName: `Page ${i}` })).sid);
    const listed = await client.verify.v2.services.list({ pageSize: 2 });
    const sids = listed.map((entry) => entry.sid);
    for (const sid of made) expect(sids.filter((entry) => entry === sid)).toHaveLength(1);
    expect(new Set(sids).size).toBe(sids.length);
    const page = await service.request('GET', '/v2/Services?PageSize=2', {
      headers: { authorization: basic },
    });
    expect(page.body.meta).toMatchObject({ page: 0, page_size: 2, key: 'services', previous_page_url: null });
    expect(page.body.meta.next_page_url).toContain('Page=1');
  });

  it('fetches and updates a service; the update takes effect on the next send', async () => {
    const created = await client.verify.v2.services.create({ friendlyName: 'Before', codeLength: 4 });
    const fetched = await client.verify.v2.services(created.sid).fetch();
    expect(fetched).toMatchObject({ sid: created.sid, friendlyName: 'Before', codeLength: 4 });
    const updated = await client.verify.v2
      .services(created.sid)
      .update({ friendlyName: 'After', codeLength: 7, customCodeEnabled: true });
    expect(updated).toMatchObject({ friendlyName: 'After', codeLength: 7, customCodeEnabled: true });
    const to = nextPhone();
    await client.verify.v2.services(created.sid).verifications.create({ to, channel: 'sms' });
    expect(service.messages(to)[0]?.text).toContain('After');
    expect(service.lastCode(to)).toHaveLength(7);
  });

  it('deletes a service: 204, then it and its pending verifications answer 20404', async () => {
    const created = await client.verify.v2.services.create({ friendlyName: 'Doomed' });
    const to = nextPhone();
    const verification = await client.verify.v2
      .services(created.sid)
      .verifications.create({ to, channel: 'sms' });
    const raw = await service.request('DELETE', `/v2/Services/${created.sid}`, {
      headers: { authorization: basic },
    });
    expect(raw.status).toBe(204);
    expect((await restError(client.verify.v2.services(created.sid).fetch())).code).toBe(20404);
    const fetch = client.verify.v2.services(created.sid).verifications(verification.sid).fetch();
    expect((await restError(fetch)).code).toBe(20404);
    const check = client.verify.v2
      .services(created.sid)
      .verificationChecks.create({ to, code: service.lastCode(to) });
    expect((await restError(check)).code).toBe(20404);
    expect(
      await client.verify.v2
        .services(created.sid)
        .remove()
        .catch((error) => error.code),
    ).toBe(20404);
  });

  it('a tenants-file service is read-only: update and delete answer 20403 naming why', async () => {
    const update = await restError(client.verify.v2.services(DEMO_SERVICE).update({ friendlyName: 'Nope' }));
    expect(update).toMatchObject({ status: 403, code: 20403 });
    expect(update.message).toContain("tenant's configuration");
    const remove = await restError(client.verify.v2.services(DEMO_SERVICE).remove());
    expect(remove.code).toBe(20403);
    expect((await client.verify.v2.services(DEMO_SERVICE).fetch()).friendlyName).toBe('Codegate Demo');
  });

  it('refuses by name what it cannot honour (TOTP, push, whatsapp, lookup, templates), storing nothing', async () => {
    const before = (await client.verify.v2.services.list()).length;
    const refusals: [Record<string, unknown>, string][] = [
      [{ 'totp.issuer': 'Acme' }, 'Totp.Issuer'],
      [{ 'push.includeDate': true }, 'Push.IncludeDate'],
      [{ 'whatsapp.from': '+12025550100' }, 'Whatsapp.From'],
      [{ lookupEnabled: true }, 'LookupEnabled'],
      [{ defaultTemplateSid: 'HJ0123456789abcdef0123456789abcdef' }, 'DefaultTemplateSid'],
      [{ codeLength: 11 }, 'CodeLength'],
      [{ doNotShareWarningEnabled: true }, 'DoNotShareWarningEnabled'],
    ];
    for (const [fields, name] of refusals) {
      const error = await restError(client.verify.v2.services.create({ friendlyName: 'Refused', ...fields }));
      expect(error, name).toMatchObject({ status: 400, code: 60200 });
      expect(error.message).toContain(`\`${name}\``);
    }
    expect((await client.verify.v2.services.list()).length).toBe(before);
  });
});

describe("Twilio's 404 for every other /v2 path", () => {
  it('an unknown path answers 20404 JSON the client parses', async () => {
    const error = await restError(
      client.request({ method: 'get', uri: 'https://verify.twilio.com/v2/Nothing/Here' }).then((response) => {
        if (response.statusCode >= 400) throw new twilio.RestException(response);
        return response;
      }),
    );
    expect(error).toMatchObject({ status: 404, code: 20404 });
    expect(error.moreInfo).toBe('https://www.twilio.com/docs/errors/20404');
  });

  it('unknown paths and methods answer the 404 envelope naming the resource; without credentials 20003', async () => {
    const wrongMethod = await service.request('DELETE', `/v2/Services/${DEMO_SERVICE}/Verifications`, {
      headers: { authorization: basic },
    });
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.body).toEqual({
      code: 20404,
      message: `The requested resource /Services/${DEMO_SERVICE}/Verifications was not found`,
      more_info: 'https://www.twilio.com/docs/errors/20404',
      status: 404,
    });
    const unknown = await service.request('POST', '/v2/RateLimits', { headers: FORM, body: 'a=b' });
    expect(unknown.body).toMatchObject({ code: 20404, status: 404 });
    const anonymous = await service.request('GET', '/v2/Anything');
    expect(anonymous.body).toMatchObject({ code: 20003, status: 401 });
  });
});

const serviceSpec = JSON.parse(
  readFileSync('test/fixtures/twilio-verify-v2-service-parameters.json', 'utf8'),
) as {
  operations: Record<string, { body_parameters?: string[] }>;
};

/** The rows of the doc's Services parameter table: parameter, example, answer. */
function serviceTable() {
  const doc = readFileSync('docs/dialects/twilio.md', 'utf8');
  const section = doc.slice(doc.indexOf('## Services'), doc.indexOf('## Error codes'));
  return section
    .split('\n')
    .filter((line) => /^\| `[\w.]+` \| `/.test(line))
    .map((line) => {
      const [parameter = '', example = '', answer = ''] = line
        .split(' | ')
        .map((cell) => cell.replace(/^\| /, '').replace(/^`|`$/g, ''));
      const [status, code] = answer.split(' ').map(Number);
      return { parameter, example, status: status ?? 0, code };
    });
}

describe("the Services API's parameters, one table", () => {
  it('the table lists exactly the parameters of CreateService and UpdateService, and the parser reads those', () => {
    const listed = serviceTable().map((row) => row.parameter);
    for (const operation of ['CreateService', 'UpdateService']) {
      const defined = serviceSpec.operations[operation]?.body_parameters ?? [];
      expect([...listed].sort(), operation).toEqual([...defined].sort());
      expect([...SERVICE_PARAMETERS].sort(), operation).toEqual([...defined].sort());
    }
  });

  it.each(serviceTable().map((row) => [`${row.parameter}=${row.example}`, row] as const))(
    '%s answers as the table says on create and update; a refusal stores nothing',
    async (_name, row) => {
      const form = (fields: Record<string, string>) => ({
        headers: FORM,
        body: new URLSearchParams(fields).toString(),
      });
      const listing = { headers: { authorization: basic } };
      const count = async () =>
        (await service.request('GET', '/v2/Services?PageSize=1000', listing)).body.services.length;
      const before = await count();
      const created = await service.request(
        'POST',
        '/v2/Services',
        form({ FriendlyName: 'Table Row', [row.parameter]: row.example }),
      );
      expect(created.status).toBe(row.status);
      if (row.code !== undefined) {
        expect(created.body).toMatchObject({ code: row.code });
        expect(created.body.message).toContain(`\`${row.parameter}\``);
        expect(await count()).toBe(before);
      }
      const fresh = await service.request('POST', '/v2/Services', form({ FriendlyName: 'Before Row' }));
      const updated = await service.request(
        'POST',
        `/v2/Services/${fresh.body.sid}`,
        form({ [row.parameter]: row.example }),
      );
      expect(updated.status).toBe(row.status === 201 ? 200 : row.status);
      if (row.status >= 400) {
        const after = await service.request('GET', `/v2/Services/${fresh.body.sid}`, {
          headers: { authorization: basic },
        });
        expect(after.body).toMatchObject({
          friendly_name: 'Before Row',
          date_updated: fresh.body.date_updated,
        });
      }
    },
  );
});
