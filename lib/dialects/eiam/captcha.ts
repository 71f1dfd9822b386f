// EIAM dialect (seed 003), the captcha half: parse a verify attempt, render a challenge and a verify outcome
// in AJ-Captcha's field names. Headers, body rules and envelopes are shared with the sends (./index.ts).
import * as z from 'zod/mini';
import type { IssueResult, VerifyResult } from '../../captcha/service.ts';
import { InputError } from '../../domain/errors.ts';
import { type HttpRequest, type HttpResponse, json } from '../../http/request.ts';
import type { TenantRegistry } from '../../tenants/registry.ts';
import { bodyOf, clientOf, errorResponse, languageOf, requiredString, senderOf } from './index.ts';

const TOKEN = /^[0-9a-f]{32}$/;
/** point_json is kept verbatim inside captcha_token, so only printable ASCII, and short. */
const POINT_TEXT = /^[\x20-\x7e]{1,100}$/;
/** Finite numbers only: zod 4 rejects Infinity and NaN by default. */
const pointSchema = z.strictObject({ x: z.number(), y: z.number() });

/** `POST /api/v2/sdk/captcha/verify` `{point_json, token, sender}` → one verify attempt. */
export async function parseCaptchaVerify(request: HttpRequest, tenants: TenantRegistry) {
  const { tenant } = await clientOf(request, tenants);
  const body = bodyOf(request);
  const pointJson = requiredString(body, 'point_json');
  let point: z.infer<typeof pointSchema> | undefined;
  if (POINT_TEXT.test(pointJson)) {
    try {
      point = pointSchema.safeParse(JSON.parse(pointJson)).data;
    } catch {
      point = undefined;
    }
  }
  if (!point) throw new InputError('SDK.COMMON.1002', ['point_json']);
  const token = requiredString(body, 'token');
  if (!TOKEN.test(token)) throw new InputError('SDK.COMMON.1002', ['token']);
  const sender = senderOf(requiredString(body, 'sender'), tenant);
  if (!sender) throw new InputError('SDK.COMMON.1002', ['sender']);
  const { failuresPerIp } = tenant.captcha;
  return { tenantId: tenant.id, token, pointJson, point, sender, clientIp: request.clientIp, failuresPerIp };
}

/**
 * The challenge in AJ-Captcha's field names (EIAM clients expect them); `point` carries only the y. A
 * request over the per-IP issuing limit gets SDK.CAPTCHA.1004 with the wait in `error_msg` and Retry-After.
 */
export function renderChallenge(result: IssueResult, request: HttpRequest): HttpResponse {
  if (!result.issued) {
    const seconds = String(result.retryAfterSeconds);
    return errorResponse('SDK.CAPTCHA.1004', languageOf(request), [seconds], { 'retry-after': seconds });
  }
  const { challenge } = result;
  return json(
    200,
    {
      captchaId: null,
      projectCode: null,
      captchaOriginalPath: null,
      captchaFontType: null,
      captchaFontSize: null,
      secretKey: null,
      originalImageBase64: challenge.originalImageBase64,
      point: { y: challenge.y },
      jigsawImageBase64: challenge.jigsawImageBase64,
      wordList: null,
      pointList: null,
      pointJson: null,
      token: challenge.token,
      result: false,
      captchaVerification: null,
    },
    { 'cache-control': 'no-store' },
  );
}

/** A verify outcome: `{captcha_token}` on a pass; otherwise the captcha error in the caller's language. */
export function renderVerify(result: VerifyResult, request: HttpRequest): HttpResponse {
  const language = languageOf(request);
  if (result.passed)
    return json(200, { captcha_token: result.captchaToken }, { 'cache-control': 'no-store' });
  if (result.reason === 'expired') return errorResponse('SDK.COMMON.1005', language, ['token']);
  if (result.reason === 'mismatch') return errorResponse('SDK.CAPTCHA.1001', language);
  if (result.reason === 'locked') {
    const seconds = String(result.retryAfterSeconds);
    return errorResponse('SDK.CAPTCHA.1004', language, [seconds], { 'retry-after': seconds });
  }
  return errorResponse('SDK.CAPTCHA.1002', language);
}
