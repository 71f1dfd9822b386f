// Per-client protection where it belongs: stage throttles are account-level ceilings, sized in the route table and
// overridable per route at deploy time (refused outside the account quota); the per-IP counters in DynamoDB decide
// before any expensive work (a refused captcha issue draws nothing).
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { API_ACCOUNT_THROTTLE } from '../infra/aws-bounds.ts';
import { CodegateStack } from '../infra/stack.ts';
import { stageThrottles } from '../infra/throttles.ts';
import { drawPuzzle } from '../lib/captcha/puzzle.ts';
import { createCaptchaService } from '../lib/captcha/service.ts';
import { CAPTCHA_THROTTLE, DEFAULT_THROTTLE, ROUTES, SEND_THROTTLE } from '../lib/routes.ts';
import { CaptchaStore } from '../lib/store/captcha-store.ts';
import { removeTempApps, tempApp } from './helpers/apps.ts';
import { freshTable } from './helpers/table.ts';

afterAll(removeTempApps);

const stageOf = (context: Record<string, unknown>) => {
  const stack = new CodegateStack(
    tempApp({ context: { ...context, 'aws:cdk:bundling-stacks': [] } }),
    'Codegate',
  );
  const [stage] = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Stage'));
  return stage?.Properties as Record<string, any>;
};

describe('stage throttles: account protection, configurable per route', () => {
  it('are sized from the route table, every ceiling within the account quota and the sends below the default', () => {
    const all = [DEFAULT_THROTTLE, SEND_THROTTLE, CAPTCHA_THROTTLE];
    for (const throttle of all) {
      expect(throttle.rateLimit).toBeLessThanOrEqual(API_ACCOUNT_THROTTLE.rateLimit);
      expect(throttle.burstLimit).toBeLessThanOrEqual(API_ACCOUNT_THROTTLE.burstLimit);
    }
    expect(SEND_THROTTLE.rateLimit).toBeLessThan(DEFAULT_THROTTLE.rateLimit);
    const { defaultThrottle, routes } = stageThrottles(tempApp(), ROUTES);
    expect(defaultThrottle).toEqual(DEFAULT_THROTTLE);
    expect(routes.get('native-send')).toEqual(SEND_THROTTLE);
    expect(routes.has('native-check')).toBe(false);
  });

  it('-c throttle:<route>=rate/burst and throttle:default change the synthesized stage', () => {
    const stage = stageOf({
      'throttle:native-send': '120/240',
      'throttle:default': '300/600',
      'throttle:native-check': '80/90',
    });
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 300, ThrottlingBurstLimit: 600 });
    expect(stage.RouteSettings['POST /v1/verifications']).toMatchObject({
      ThrottlingRateLimit: 120,
      ThrottlingBurstLimit: 240,
    });
    expect(stage.RouteSettings['POST /v1/verifications/check']).toMatchObject({
      ThrottlingRateLimit: 80,
      ThrottlingBurstLimit: 90,
    });
    // Untouched routes keep the route table's ceilings.
    expect(stage.RouteSettings['GET /api/v2/sdk/captcha']).toMatchObject({
      ThrottlingRateLimit: CAPTCHA_THROTTLE.rateLimit,
      ThrottlingBurstLimit: CAPTCHA_THROTTLE.burstLimit,
    });
  });

  it('outputs what this deploy declares (StageThrottles) and its monitoring tier, for the deployment verifier', () => {
    const stack = new CodegateStack(
      tempApp({
        context: { 'throttle:native-send': '120/240', monitoring: 'full', 'aws:cdk:bundling-stacks': [] },
      }),
      'Codegate',
    );
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    const declared = JSON.parse(outputs.StageThrottles.Value);
    expect(declared).toMatchObject({
      default: `${DEFAULT_THROTTLE.rateLimit}/${DEFAULT_THROTTLE.burstLimit}`,
      'native-send': '120/240',
    });
    expect(declared['eiam-captcha-get']).toBe(`${CAPTCHA_THROTTLE.rateLimit}/${CAPTCHA_THROTTLE.burstLimit}`);
    expect(outputs.MonitoringTier.Value).toBe('full');
  });

  it.each([
    [{ 'throttle:native-sned': '10/20' }, 'throttle:native-sned names no route'],
    [{ 'throttle:native-send': 'fast' }, 'throttle:native-send must be <requests per second>/<burst>'],
    [{ 'throttle:native-send': '20000/100' }, "within the account's API Gateway quota (10000/5000)"],
    [{ 'throttle:default': '0/10' }, 'throttle:default must be'],
  ])('refuses %j naming the context', (context, message) => {
    expect(() => stageThrottles(tempApp({ context }), ROUTES)).toThrow(message);
  });
});

describe('per-IP counters decide before expensive work', () => {
  it('a captcha issue refused by the per-IP window draws no puzzle', async () => {
    const { db, tableName } = await freshTable();
    let drawn = 0;
    const captcha = createCaptchaService({
      store: new CaptchaStore(db, tableName),
      clock: { now: () => Date.parse('2026-12-01T12:00:00Z') },
      pepper: Buffer.from('per-ip-before-drawing-pepper-0123456789'),
      draw: () => {
        drawn++;
        return drawPuzzle();
      },
    });
    const perIp = { limit: 2, windowSeconds: 600 };
    const results = [];
    for (let i = 0; i < 5; i++)
      results.push(await captcha.issue({ tenantId: 'demo', clientIp: '203.0.113.9', perIp }));
    expect(results.map((r) => r.issued)).toEqual([true, true, false, false, false]);
    expect(drawn).toBe(2);
    // Another client is unaffected by the first one's window.
    expect((await captcha.issue({ tenantId: 'demo', clientIp: '203.0.113.10', perIp })).issued).toBe(true);
  });
});
