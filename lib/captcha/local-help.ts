// Local runtime only: the captcha help behind `GET /_local/captcha/{token}` (infra/local/local-routes.ts).
// No deployed function imports this; it exists so a developer can finish the EIAM flow with curl.
import type { TenantRegistry } from '../tenants/registry.ts';
import type { CaptchaService, ChallengeAnswer } from './service.ts';

/** Which tenant issued the challenge: its id (`?tenant=`), or the `X-client-id` the challenge was got with. */
export interface TenantHint {
  tenantId?: string;
  clientId?: string;
}

/**
 * The answer of an issued challenge as the local help shows it: 200 with {@link ChallengeAnswer}, 404 for
 * a token that tenant did not issue, 400 when no tenant is named (challenges are stored under a keyed hash
 * of tenant and token, so the token alone finds nothing).
 */
export async function captchaHelp(
  runtime: { captcha: CaptchaService; tenants: TenantRegistry },
  token: string,
  hint: TenantHint,
): Promise<{ status: 200; body: ChallengeAnswer } | { status: 400 | 404; body: { message: string } }> {
  const clientId = hint.clientId?.trim();
  const tenantId =
    hint.tenantId?.trim() || (clientId ? (await runtime.tenants.find('clientId', clientId))?.id : undefined);
  if (!tenantId) {
    return {
      status: 400,
      body: { message: 'name the tenant: the X-client-id header of the challenge, or ?tenant=<tenant id>' },
    };
  }
  const answer = await runtime.captcha.answerOf(tenantId, token);
  if (!answer) return { status: 404, body: { message: 'no such captcha challenge for this tenant' } };
  return { status: 200, body: answer };
}
