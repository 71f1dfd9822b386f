// WhatsApp and voice are a deploy-time choice (`-c channels=…`, infra/messaging-grants.ts): without it no role may
// call End User Messaging and no alarm watches it, even in the full tier; a wrong value stops the synth naming it;
// and an engine built without a channel's sender refuses its sends before anything is admitted.
import { randomBytes } from 'node:crypto';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodegateStack } from '../infra/stack.ts';
import { CountryNotAllowedError } from '../lib/domain/errors.ts';
import { createEngine } from '../lib/engine/engine.ts';
import { observe } from '../lib/observe.ts';
import { getRuntime, outbox } from '../lib/runtime.ts';
import { VerificationStore } from '../lib/store/verification-store.ts';
import { removeTempApps, tempApp } from './helpers/apps.ts';
import { startService, type TestService } from './helpers/service.ts';

type Json = any;

const template = (context: Record<string, unknown>) =>
  Template.fromStack(
    new CodegateStack(tempApp({ context: { 'aws:cdk:bundling-stacks': [], ...context } }), 'Codegate'),
  ).toJSON();

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  removeTempApps();
  await service?.stop();
});

describe('-c channels', () => {
  it('absent: no End User Messaging action in any policy, no WhatsApp or voice alarm in the full tier', () => {
    const json = JSON.stringify(template({ monitoring: 'full' }));
    expect(json).not.toContain('social-messaging:');
    expect(json).not.toContain('sms-voice:');
    expect(json).not.toContain('delivery-failed-whatsapp');
    expect(json).toContain('delivery-failed-sms');
  });

  it('offered: a spend alarm per channel in either tier, on the day’s Spend at channelDailySpendUsd', () => {
    const alarms = (context: Record<string, unknown>) =>
      Object.values(template(context).Resources as Record<string, { Type: string; Properties: Json }>)
        .filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm')
        .map((resource) => resource.Properties)
        .filter((alarm) => /spend-(whatsapp|voice)/.test(JSON.stringify(alarm.AlarmName)));
    const offered = alarms({ channels: 'whatsapp,voice' });
    expect(offered).toHaveLength(2);
    const stats = offered.map((alarm) => alarm.Metrics[0].MetricStat);
    for (const [index, alarm] of offered.entries()) {
      expect(stats[index]).toMatchObject({
        Metric: { MetricName: 'Spend', Namespace: 'Codegate' },
        Stat: 'Sum',
      });
      expect(stats[index].Period).toBe(86_400);
      expect(alarm.Threshold).toBe(10);
      expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    }
    const channelOf = (stat: Json) => stat.Metric.Dimensions.find((d: Json) => d.Name === 'channel').Value;
    expect(stats.map(channelOf).sort()).toEqual(['voice', 'whatsapp']);
    expect(alarms({ channels: 'voice', channelDailySpendUsd: '25' }).map((alarm) => alarm.Threshold)).toEqual(
      [25],
    );
    expect(alarms({})).toEqual([]);
    expect(() => template({ channels: 'voice', channelDailySpendUsd: '-5' })).toThrow(
      'channelDailySpendUsd must be a positive number of US dollars, got "-5"',
    );
  });

  it('anything but whatsapp and voice stops the synth, naming the context', () => {
    expect(() => template({ channels: 'whatsapp,fax' })).toThrow(
      'channels must list whatsapp and/or voice (email and SMS are always on), got "fax"',
    );
  });
});

describe('an engine without a channel sender', () => {
  it('refuses a WhatsApp send before admission: nothing sent, the address free for another channel', async () => {
    const runtime = await getRuntime();
    const tenant = await runtime.tenants.find('id', 'demo');
    if (!tenant) throw new Error('no demo tenant');
    const engine = createEngine({
      store: new VerificationStore(runtime.db, runtime.config.TABLE_NAME),
      mailer: outbox,
      texter: outbox,
      voice: outbox,
      clock: { now: () => Date.now() },
      pepper: randomBytes(32),
      observe,
    });
    const to = '+14155557007';
    const refused = await engine
      .sendCode({ tenant, channel: 'whatsapp', to, purpose: 'login' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CountryNotAllowedError);
    expect((refused as CountryNotAllowedError).country).toBe('US');
    expect(service.messages(to)).toEqual([]);
    // The same engine still calls: only the channel it was built without is refused.
    await engine.sendCode({ tenant, channel: 'voice', to, purpose: 'login' });
    expect(service.messages(to)[0]?.channel).toBe('voice');
  });
});
