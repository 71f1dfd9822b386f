// Twilio dialect: Verification Attempts (`/v2/Attempts`, `/v2/Attempts/{Sid}`, `/v2/Attempts/Summary`) — every send
// attempt of the calling account's verifications, from the engine's attempt log (engine/attempts.ts), with
// Twilio's filters and paging. Attempts are kept ATTEMPT_RETENTION_DAYS days (docs/dialects/twilio.md).
import { parseEmail, parsePhone } from '../../address.ts';
import { randomHex } from '../../crypto.ts';
import { InputError } from '../../domain/errors.ts';
import type { Channel } from '../../domain/vocabulary.ts';
import type { Attempt, AttemptQuery, ExternalSend } from '../../engine/engine.ts';
import type { HttpRequest } from '../../http/request.ts';
import { twilioChannel } from './channels.ts';
import { canonicalSid, SID } from './codes.ts';
import { invalid, pageParameters } from './options.ts';
import { baseUrl, twilioTime } from './resources.ts';

/** How long an attempt stays listed: 30 days, then DynamoDB's TTL removes it. */
export const ATTEMPT_RETENTION_DAYS = 30;

/** `VL` + 32 hex: an attempt; the first 12 hex are its time in ms, so sids sort (and page) by time. */
export const ATTEMPT_SID = /^VL[0-9a-fA-F]{32}$/;

const timeHex = (ms: number) => Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);

/** A new attempt sid for a send at `now`. */
export const attemptSid = (now: number) => `VL${timeHex(now)}${randomHex(10)}`;

/** What a send under this account logs of its attempt: the channel as Twilio names it, the number's country. */
export function attemptLog(
  accountSid: string,
  channel: Channel,
  to: string,
): NonNullable<ExternalSend['log']> {
  const phone = channel === 'email' ? undefined : parsePhone(to);
  return {
    scope: accountSid,
    channel: twilioChannel(channel),
    country: phone?.country ?? null,
    callingCode: phone ? `+${phone.callingCode}` : null,
    retentionSeconds: ATTEMPT_RETENTION_DAYS * 86_400,
  };
}

/** A date filter (`DateCreatedAfter`/`Before`, ISO 8601 as the client sends them) as epoch ms. */
function dateOf(request: HttpRequest, name: string): number | undefined {
  const text = request.query[name];
  if (text === undefined) return undefined;
  const ms = text.length <= 40 ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(name, 'must be an ISO 8601 date-time');
  return ms;
}

const TWILIO_CHANNELS = ['sms', 'call', 'email', 'whatsapp', 'rbm'];

/**
 * The filters ListVerificationAttempt and FetchVerificationAttemptsSummary share: dates, country, channel and
 * service; each malformed one is refused by name (60200), never ignored.
 */
function commonFilter(request: HttpRequest): AttemptQuery {
  const query: AttemptQuery = {};
  const after = dateOf(request, 'DateCreatedAfter');
  const before = dateOf(request, 'DateCreatedBefore');
  if (after !== undefined) query.fromId = `VL${timeHex(after)}`;
  // Up to the last sid of the millisecond before `before`.
  if (before !== undefined) query.beforeId = `VL${timeHex(before - 1)}${'f'.repeat(20)}`;
  const country = request.query.Country;
  if (country !== undefined) {
    if (!/^[A-Za-z]{2}$/.test(country)) throw invalid('Country', 'must be an ISO 3166-1 alpha-2 code');
    query.country = country.toUpperCase();
  }
  const channel = request.query.Channel;
  if (channel !== undefined) {
    if (!TWILIO_CHANNELS.includes(channel))
      throw invalid('Channel', `must be one of ${TWILIO_CHANNELS.join(', ')}`);
    query.channel = channel;
  }
  const service = request.query.VerifyServiceSid;
  if (service !== undefined) {
    if (!SID.service.test(service)) throw invalid('VerifyServiceSid', 'must be a VA sid');
    query.fields = { ...query.fields, serviceSid: canonicalSid(service) };
  }
  return query;
}

/** ListVerificationAttempt's filters: the common ones, `ChannelData.To`, `VerificationSid` and `Status`. */
export function listFilter(request: HttpRequest): AttemptQuery {
  const query = commonFilter(request);
  const to = request.query['ChannelData.To'];
  if (to !== undefined) {
    const address = to.includes('@') ? parseEmail(to) : parsePhone(to)?.e164;
    if (!address) throw invalid('ChannelData.To', 'must be an E.164 number or an email address');
    query.to = address;
  }
  const verification = request.query.VerificationSid;
  if (verification !== undefined) {
    if (!SID.verification.test(verification)) throw invalid('VerificationSid', 'must be a VE sid');
    query.verificationId = canonicalSid(verification);
  }
  const status = request.query.Status;
  if (status !== undefined) {
    if (status !== 'converted' && status !== 'unconverted') {
      throw invalid('Status', 'must be converted or unconverted');
    }
    query.converted = status === 'converted';
  }
  return query;
}

/** FetchVerificationAttemptsSummary's filters: the common ones and `DestinationPrefix` (a calling code). */
export function summaryFilter(request: HttpRequest): AttemptQuery {
  const query = commonFilter(request);
  const prefix = request.query.DestinationPrefix;
  if (prefix !== undefined) {
    // The stored record keeps the country calling code, not the number: a longer prefix cannot be honoured.
    if (!/^\+?[1-9]\d{0,2}$/.test(prefix)) {
      throw invalid(
        'DestinationPrefix',
        'must be a country calling code such as +44 (longer prefixes are not kept)',
      );
    }
    query.callingCode = `+${prefix.replace(/^\+/, '')}`;
  }
  return query;
}

/** `PageSize`, `Page` and `PageToken` (`PA` + the attempt sid a page ended with, as this API gave it). */
export function attemptPage(request: HttpRequest): { size: number; page: number; after?: string } {
  const { size, page, token } = pageParameters(request.query);
  if (token !== undefined && !/^PA(VL[0-9a-f]{32})$/.test(token))
    throw invalid('PageToken', 'not a token this API gave');
  return { size, page, after: token?.slice(2) };
}

/** The sid of `/v2/Attempts/{Sid}`, canonical; else 20404. */
export function attemptSidOf(request: HttpRequest): string {
  const sid = request.pathParameters.Sid ?? '';
  if (!ATTEMPT_SID.test(sid)) throw new InputError(20404);
  return canonicalSid(sid);
}

/** The VerificationAttempt resource as Twilio writes it (`price` is not known to Codegate: null). */
export function attemptResource(request: HttpRequest, accountSid: string, attempt: Attempt) {
  return {
    sid: attempt.id,
    account_sid: accountSid,
    service_sid: attempt.fields.serviceSid ?? null,
    verification_sid: attempt.verificationId,
    date_created: twilioTime(attempt.createdAt),
    date_updated: twilioTime(attempt.updatedAt),
    conversion_status: attempt.converted ? 'converted' : 'unconverted',
    channel: attempt.channel,
    price: null,
    channel_data: { attempt_sid: attempt.id, to: attempt.to ?? null, country: attempt.country },
    url: `${baseUrl(request)}/v2/Attempts/${attempt.id}`,
  };
}

/** One page of ListVerificationAttempt in Twilio's envelope (`attempts` and `meta`). */
export function attemptsPage(
  request: HttpRequest,
  accountSid: string,
  page: { size: number; page: number; after?: string },
  found: { attempts: Attempt[]; next?: string },
) {
  const kept = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query)) {
    if (!['PageSize', 'Page', 'PageToken'].includes(name) && value !== undefined) kept.set(name, value);
  }
  const filters = kept.toString();
  const pageUrl = (number: number, token?: string) =>
    `${baseUrl(request)}/v2/Attempts?${filters ? `${filters}&` : ''}PageSize=${page.size}&Page=${number}${token ? `&PageToken=PA${token}` : ''}`;
  return {
    attempts: found.attempts.map((attempt) => attemptResource(request, accountSid, attempt)),
    meta: {
      page: page.page,
      page_size: page.size,
      first_page_url: pageUrl(0),
      // Tokens only go forward (DynamoDB pages do): the previous page is not linked.
      previous_page_url: null,
      url: pageUrl(page.page, page.after),
      next_page_url: found.next ? pageUrl(page.page + 1, found.next) : null,
      key: 'attempts',
    },
  };
}

/** The VerificationAttemptsSummary resource. */
export function summaryResource(request: HttpRequest, counts: { total: number; converted: number }) {
  const rate =
    counts.total === 0 ? null : String(Math.round((counts.converted / counts.total) * 10_000) / 100);
  return {
    total_attempts: counts.total,
    total_converted: counts.converted,
    total_unconverted: counts.total - counts.converted,
    conversion_rate_percentage: rate,
    url: `${baseUrl(request)}/v2/Attempts/Summary`,
  };
}
