// Canonical mailboxes (issue 20, item 1): every spelling of one mailbox shares its limits, failure cap,
// attempt record and suppression, while the message goes to the spelling given and a code, a link or a
// lookup by address answers only for the spelling it was sent to. Black box through the local runtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as deliveryFeedback } from '../functions/delivery-feedback.ts';
import { canonicalMailbox, parseEmail } from '../lib/address.ts';
import { advanceClock } from '../lib/runtime.ts';
import { normalizedAddress } from '../lib/suppression/key.ts';
import { simulatedNotification } from '../lib/suppression/simulator.ts';
import { startService, type TestService, twilioPost } from './helpers/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

let ip = 0;
const call = (method: string, path: string, json?: unknown) =>
  service.request(method, path, {
    json,
    headers: { authorization: 'Bearer demo-api-key', 'x-forwarded-for': `203.0.113.${++ip}` },
  });
const send = (to: string, purpose = 'login') =>
  call('POST', '/v1/verifications', { channel: 'email', to, purpose });
const check = (to: string, code: string, purpose = 'login') =>
  call('POST', '/v1/verifications/check', { channel: 'email', to, purpose, code });
/** Every outbox message to any spelling of a mailbox. */
const mailTo = (mailbox: string) =>
  service.messages().filter((message) => canonicalMailbox(message.to) === mailbox);

describe('canonicalMailbox', () => {
  it.each([
    ['Alice@Example.COM', 'alice@example.com'],
    ['alice+news@example.com', 'alice@example.com'],
    ['alice+a+b@example.com', 'alice@example.com'],
    ['first.last@example.com', 'first.last@example.com'],
    ['first.last+x@outlook.com', 'first.last@outlook.com'],
    ['v.ictim@gmail.com', 'victim@gmail.com'],
    ['V.I.C.T.I.M+spam@GoogleMail.com', 'victim@gmail.com'],
    ['victim@mail.gmail.com', 'victim@mail.gmail.com'],
    ['+tag@example.com', '+tag@example.com'],
    ['+a+b@example.com', '+a@example.com'],
    ['+x.y@gmail.com', '+xy@gmail.com'],
    ['user@xn--bcher-kva.example', 'user@xn--bcher-kva.example'],
    ['  Padded+1@Example.com ', 'padded@example.com'],
    // Exotic text the parser would refuse still maps to something, never to an empty mailbox.
    ['...@gmail.com', '...@gmail.com'],
    ['No-At-Sign', 'no-at-sign'],
  ])('%s → %s', (raw, mailbox) => {
    expect(canonicalMailbox(raw)).toBe(mailbox);
  });

  it('is what the suppression list keys, for a valid address only', () => {
    expect(normalizedAddress('email', 'X+1@Example.com')).toBe('x@example.com');
    expect(normalizedAddress('email', 'v.ictim@googlemail.com')).toBe('victim@gmail.com');
    expect(normalizedAddress('email', 'not an address')).toBeUndefined();
  });

  it('never sees quoted local parts or Unicode domains: the parser refuses them before any key is made', () => {
    expect(parseEmail('"a+b"@example.com')).toBeUndefined();
    expect(parseEmail('"john..doe"@gmail.com')).toBeUndefined();
    expect(parseEmail('user@bücher.example')).toBeUndefined();
    expect(parseEmail('üser@example.com')).toBeUndefined();
    // The A-label (punycode) form of the same domain is an ordinary ASCII address.
    expect(parseEmail('user@xn--bcher-kva.example')).toBe('user@xn--bcher-kva.example');
  });
});

describe('one mailbox, many spellings', () => {
  it('four spellings of one Gmail inbox: one mail delivered, the other three refused by the cooldown', async () => {
    const spellings = [
      'victim@gmail.com',
      'victim+1@gmail.com',
      'v.ictim@gmail.com',
      'VICTIM@googlemail.com',
    ];
    const answers = [];
    for (const to of spellings) answers.push(await send(to));

    expect(answers.map((answer) => answer.status)).toEqual([201, 429, 429, 429]);
    for (const refused of answers.slice(1)) expect(refused.body.error.code).toBe('rate_limited');
    const delivered = mailTo('victim@gmail.com');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.to).toBe('victim@gmail.com');
  });

  it('the rolling window counts the mailbox: five sends in ten minutes whatever the spelling, then 429', async () => {
    const spellings = [
      'w.indow@gmail.com',
      'window+a@gmail.com',
      'WINDOW@googlemail.com',
      'win.dow+b@gmail.com',
    ];
    const statuses = [];
    for (const to of [...spellings, 'window@gmail.com', 'w.i.n.d.o.w@gmail.com']) {
      statuses.push((await send(to)).status);
      advanceClock(61_000);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    expect(mailTo('window@gmail.com')).toHaveLength(5);
  });

  it('the message goes to the spelling given, and only that spelling verifies with its code', async () => {
    const spelled = 'Some.One+promo@GoogleMail.com';
    const sent = await send(spelled);
    expect(sent.status).toBe(201);
    const [message] = mailTo('someone@gmail.com');
    expect(message?.to).toBe(spelled);

    const code = service.lastCode(spelled);
    // Another spelling of the mailbox does not verify: it may be another mailbox where `+` is no tag.
    expect((await check('someone@gmail.com', code)).body).toEqual({ valid: false, status: 'pending' });
    expect((await check(spelled, code)).body).toEqual({ valid: true, status: 'approved' });
  });

  it('the attempt record is the mailbox: wrong guesses under other spellings use up the code', async () => {
    const sent = await send('t.rial@gmail.com');
    expect(sent.status).toBe(201);
    const code = service.lastCode('t.rial@gmail.com');
    const wrong = code === '000000' ? '111111' : '000000';
    const spellings = ['trial@gmail.com', 'trial+1@gmail.com', 'TRIAL@googlemail.com', 'tri.al+2@gmail.com'];
    for (const to of spellings) expect((await check(to, wrong)).body.valid).toBe(false);
    expect((await check('t.r.i.a.l@gmail.com', wrong)).body).toEqual({
      valid: false,
      status: 'max_attempts',
    });
    expect((await check('t.rial@gmail.com', code)).body).toEqual({ valid: false, status: 'max_attempts' });
  });

  it('a lookup by address answers for the spelling it names: the id and the find by that spelling', async () => {
    const spelled = 'Find.Me+list@gmail.com';
    const sent = await send(spelled, 'register');
    expect(sent.status).toBe(201);
    const find = (to: string) =>
      service.request('GET', '/v1/verifications', {
        query: { channel: 'email', to, purpose: 'register' },
        headers: { authorization: 'Bearer demo-api-key' },
      });

    const found = await find(spelled);
    expect(found.status).toBe(200);
    expect(found.body.latest).toMatchObject({ id: sent.body.id, status: 'pending' });
    expect((await call('GET', `/v1/verifications/${sent.body.id}`)).body).toMatchObject({
      status: 'pending',
    });
    // The same mailbox under another spelling has no verification of its own to show.
    expect((await find('findme@gmail.com')).status).toBe(404);
  });

  it('Twilio: the verification goes to the To given; another spelling of the mailbox starts its own', async () => {
    const spelled = 'Twi.Lio+verify@gmail.com';
    const created = await twilioPost(service, '/Verifications', { To: spelled, Channel: 'email' });
    expect(created.status).toBe(201);
    expect(created.body.to).toBe(spelled);
    expect(mailTo('twilio@gmail.com').map((message) => message.to)).toEqual([spelled]);

    const code = service.lastCode(spelled);
    const checked = await twilioPost(service, '/VerificationCheck', { To: spelled, Code: code });
    expect(checked.body).toMatchObject({ sid: created.body.sid, status: 'approved', to: spelled });

    // No cooldown (Twilio has none); the other spelling is another To: a verification of its own, mailed
    // to that spelling, which the first spelling's check does not reach.
    const other = 'twilio@googlemail.com';
    const again = await twilioPost(service, '/Verifications', { To: other, Channel: 'email' });
    expect(again.status).toBe(201);
    expect(again.body.sid).not.toBe(created.body.sid);
    expect(mailTo('twilio@gmail.com').map((message) => message.to)).toEqual([other, spelled]);
    const otherCode = service.lastCode(other);
    const wrongSpelling = await twilioPost(service, '/VerificationCheck', { To: spelled, Code: otherCode });
    expect(wrongSpelling.body).toMatchObject({ status: 'pending', valid: false });
  });
});

describe('suppression counts the mailbox', () => {
  it('a complaint (the SES feedback function) for x@example.com suppresses x+1@example.com', async () => {
    const event = simulatedNotification(
      'complaint',
      { to: 'comp.lainer@example.com', tenantId: 'demo', purpose: 'login' },
      { from: 'Codegate Demo <no-reply@example.org>' },
    );
    await deliveryFeedback(event as Parameters<typeof deliveryFeedback>[0]);

    const refused = await send('Comp.Lainer+1@Example.com');
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('address_suppressed');
    expect(mailTo('comp.lainer@example.com')).toHaveLength(0);
    // Dots count outside Gmail: another mailbox of the domain is not suppressed.
    expect((await send('complainer@example.com')).status).toBe(201);
  });

  it('a bounce of one Gmail spelling suppresses the others', async () => {
    const event = simulatedNotification(
      'bounce',
      { to: 'b.ounced+x@googlemail.com', tenantId: 'demo', purpose: 'login' },
      { from: 'Codegate Demo <no-reply@example.org>' },
    );
    await deliveryFeedback(event as Parameters<typeof deliveryFeedback>[0]);
    const refused = await send('bounced@gmail.com');
    expect(refused.body.error?.code).toBe('address_suppressed');
    expect(mailTo('bounced@gmail.com')).toHaveLength(0);
  });
});
