// Twilio dialect renderers: the Verification and VerificationCheck resources, snake_case, as Twilio writes them.
import { sha256Hex } from '../../crypto.ts';
import type { Channel } from '../../domain/vocabulary.ts';
import type { CheckStatus, ExternalState, ExternalView } from '../../engine/engine.ts';
import type { HttpRequest } from '../../http/request.ts';
import type { Tenant } from '../../tenants/schema.ts';
import { twilioChannel } from './channels.ts';

/** Twilio's Verify v2 timestamps: ISO 8601 to the second, `Z` (`2024-01-01T00:00:00Z`). */
export const twilioTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Stored states → Twilio's verification statuses. */
const STATUSES: Record<ExternalState, string> = {
  pending: 'pending',
  approved: 'approved',
  canceled: 'canceled',
  expired: 'expired',
  max_attempts: 'max_attempts_reached',
  failed: 'failed',
};

/** The base URL this request reached: https, except for a local runtime on a loopback host. */
export function baseUrl(request: HttpRequest): string {
  const host = (request.headers.host ?? 'localhost').replace(/[^A-Za-z0-9.:[\]-]/g, '').slice(0, 255);
  const local = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host);
  return `${local ? 'http' : 'https'}://${host}`;
}

export interface VerificationView {
  sid: string;
  serviceSid: string;
  accountSid: string;
  to: string;
  channel: Channel;
  state: ExternalState;
  createdAt: number;
  updatedAt: number;
  attempts: { id: string; at: number }[];
  /** What the create stored to echo: `amount`, `payee`, `tags` (JSON text). */
  extras?: Record<string, string>;
}

/** The stored `Tags`, as the object they were given as (null when none). */
function tagsOf(extras: Record<string, string> | undefined): Record<string, string> | null {
  try {
    return extras?.tags ? (JSON.parse(extras.tags) as Record<string, string>) : null;
  } catch {
    return null;
  }
}

/** The Verification resource, with every field the `twilio` client reads. */
export function verificationResource(request: HttpRequest, view: VerificationView) {
  const status = STATUSES[view.state];
  return {
    sid: view.sid,
    service_sid: view.serviceSid,
    account_sid: view.accountSid,
    to: view.to,
    channel: twilioChannel(view.channel),
    status,
    valid: status === 'approved',
    lookup: { carrier: null },
    amount: view.extras?.amount ?? null,
    payee: view.extras?.payee ?? null,
    // Not in Twilio's resource definition: the Tags as stored, for apps that read them back.
    tags: tagsOf(view.extras),
    send_code_attempts: view.attempts.map((attempt) => ({
      attempt_sid: attempt.id,
      channel: twilioChannel(view.channel),
      time: twilioTime(attempt.at),
    })),
    date_created: twilioTime(view.createdAt),
    date_updated: twilioTime(view.updatedAt),
    sna: null,
    url: `${baseUrl(request)}/v2/Services/${view.serviceSid}/Verifications/${view.sid}`,
  };
}

/**
 * The VerificationCheck resource. A code sent through another API (no Twilio sid) still checks here; its
 * sid is then derived from tenant and address, stable but not fetchable.
 */
export function checkResource(
  tenant: Tenant,
  input: {
    serviceSid: string;
    accountSid: string;
    to: string;
    channel: Channel;
    now: number;
  },
  result: { status: CheckStatus; external?: ExternalView },
) {
  const sid =
    result.external?.id ?? `VE${sha256Hex(`codegate|${tenant.id}|${input.to.toLowerCase()}`).slice(0, 32)}`;
  return {
    sid,
    service_sid: input.serviceSid,
    account_sid: input.accountSid,
    to: input.to,
    channel: twilioChannel(input.channel),
    status: result.status === 'approved' ? 'approved' : 'pending',
    valid: result.status === 'approved',
    amount: result.external?.extras?.amount ?? null,
    payee: result.external?.extras?.payee ?? null,
    date_created: twilioTime(result.external?.createdAt ?? input.now),
    date_updated: twilioTime(input.now),
    sna_attempts_error_codes: [],
  };
}
