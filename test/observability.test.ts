// Logs and metrics: each engine event is one structured log line and one CloudWatch EMF metric.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observe, observeFailure } from '../lib/observe.ts';
import { startService, type TestService, twilioPost } from './helpers/service.ts';
import { capturedOutput } from './setup/log-guard.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

interface Emf {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [field: string]: unknown;
}

/** The EMF documents written since `from`, by metric name. */
function metricsSince(from: number): Emf[] {
  return capturedOutput()
    .slice(from)
    .split('\n')
    .filter((line) => line.includes('"CloudWatchMetrics"'))
    .map((line) => JSON.parse(line) as Emf);
}
const named = (docs: Emf[], name: string) =>
  docs.filter((doc) => doc._aws.CloudWatchMetrics.some((set) => set.Metrics.some((m) => m.Name === name)));

const native = (path: string, json: unknown) =>
  service.request('POST', path, { json, headers: { authorization: 'Bearer demo-api-key' } });

describe('observability', () => {
  it('a send and its checks publish CodeSent, CodeRejected and CodeApproved by channel', async () => {
    const from = capturedOutput().length;
    const body = { channel: 'email', to: 'metrics@example.com', purpose: 'login' };
    expect((await native('/v1/verifications', body)).status).toBe(201);
    const code = service.lastCode('metrics@example.com');
    await native('/v1/verifications/check', { ...body, code: code === '000000' ? '000001' : '000000' });
    await native('/v1/verifications/check', { ...body, code });

    const docs = metricsSince(from);
    for (const name of ['CodeSent', 'CodeRejected', 'CodeApproved']) {
      const [doc] = named(docs, name);
      expect(doc?._aws.CloudWatchMetrics[0]?.Namespace).toBe('Codegate');
      expect(doc?.channel).toBe('email');
      expect(doc?.[name]).toBe(1);
    }
    // The matching log lines carry the tenant and the masked address, never the address itself.
    const logs = capturedOutput().slice(from);
    expect(logs).toMatch(/"message":"code sent".*"to":"m\*\*\*@example.com"/);
    expect(logs).not.toContain('metrics@example.com');
  });

  it('a refused send publishes Refused with its reason', async () => {
    const body = { channel: 'email', to: 'refused@example.com', purpose: 'login' };
    await native('/v1/verifications', body);
    const from = capturedOutput().length;
    expect((await native('/v1/verifications', body)).status).toBe(429);
    const [doc] = named(metricsSince(from), 'Refused');
    expect(doc?.reason).toBe('rate_limited');
  });

  it('a Twilio verification ended by a status update publishes VerificationCanceled or VerificationApprovedByUpdate', async () => {
    // The demo tenant's Twilio service, through the wire (test/helpers/service.ts).
    const twilio = (path: string, form: Record<string, string>) => twilioPost(service, path, form);
    for (const [status, name] of [
      ['canceled', 'VerificationCanceled'],
      ['approved', 'VerificationApprovedByUpdate'],
    ] as const) {
      const to = `ended-${status}@example.com`;
      const created = await twilio('/Verifications', { To: to, Channel: 'email' });
      expect(created.status).toBe(201);
      const from = capturedOutput().length;
      const ended = await twilio(`/Verifications/${created.body.sid}`, { Status: status });
      expect(ended.body.status).toBe(status);
      const docs = metricsSince(from);
      expect(named(docs, name).map((doc) => [doc.channel, doc[name]])).toEqual([['email', 1]]);
      // Neither counts as a code approval (the SMS approval ratio is about codes users typed in).
      expect(named(docs, 'CodeApproved')).toEqual([]);
      const logs = capturedOutput().slice(from);
      expect(logs).toMatch(new RegExp(`"message":"verification ended".*"status":"${status}"`));
      expect(logs).not.toContain(to);
    }
  });

  it('each metric carries its own dimensions only: none is left over from the one before', () => {
    // One Metrics instance publishes them all; called here outside any invocation, as a Lambda container
    // calls it for one request after another, a dimension of one metric must be gone by the next.
    const from = capturedOutput().length;
    observeFailure('rate_limited');
    observe({
      type: 'code_checked',
      tenant: 't',
      channel: 'sms',
      purpose: 'login',
      to: '+1***',
      outcome: 'approved',
    });
    observeFailure('busy');
    const docs = metricsSince(from);
    const dimensions = (name: string) => named(docs, name)[0]?._aws.CloudWatchMetrics[0]?.Dimensions;
    expect(dimensions('Refused')).toEqual([['service', 'reason']]);
    expect(dimensions('CodeApproved')).toEqual([['service', 'channel']]);
    expect(dimensions('Busy')).toEqual([['service']]);
    expect(named(docs, 'CodeApproved')[0]).not.toHaveProperty('reason');
    expect(named(docs, 'Busy')[0]).not.toHaveProperty('channel');
  });
});

describe('refusals in the logs', () => {
  it('a refusal is one `request refused` line with its reason (the saved query groups them by route); busy is not', () => {
    const from = capturedOutput().length;
    observeFailure('rate_limited');
    observeFailure('busy');
    const lines = capturedOutput()
      .slice(from)
      .split('\n')
      .filter((line) => line.includes('"message":"request refused"'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'INFO', reason: 'rate_limited' });
  });
});
