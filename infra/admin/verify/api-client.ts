// Deployment verifier: the HTTP calls it makes to a Codegate API — native and Twilio Verify v2 — and to the
// local runtime's `/_local/*` stand-ins. Plain fetch: the wire is the same locally and on AWS.

/** A Twilio Verify v2 account and service of the tenant (docs/dialects/twilio.md). */
export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  serviceSid: string;
}

/** Where the API is and how to authenticate to it. */
export interface ApiTarget {
  /** The API base URL (the stack's ApiUrl output, or the local runtime's address). */
  baseUrl: string;
  /** A native API key (`Authorization: Bearer`). */
  apiKey: string;
  twilio?: TwilioCredentials;
}

/** An answer: the HTTP status and the parsed JSON body (the raw text when it is not JSON). */
export interface ApiResponse {
  status: number;
  body: unknown;
}

/** Each request gives up after this long: a hung endpoint is a FAIL, never a hung verifier. */
const REQUEST_TIMEOUT_MS = 20_000;

async function call(target: string, path: string, init: RequestInit = {}): Promise<ApiResponse> {
  const url = new URL(path.replace(/^\//, ''), target.endsWith('/') ? target : `${target}/`);
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await response.text();
  try {
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { status: response.status, body: text };
  }
}

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};

/** A field of a JSON object answer, as a string ('' when absent). */
export function field(body: unknown, name: string): string {
  const value = record(body)[name];
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';
}

/** The error code of a native (`error.code`) or Twilio (`code`) error answer, for FAIL lines. */
export function errorCode(response: ApiResponse): string {
  const native = field(record(response.body).error, 'code');
  const code = native || field(response.body, 'code');
  return code ? `${response.status} ${code}` : `${response.status}`;
}

const bearer = (target: ApiTarget) => ({ authorization: `Bearer ${target.apiKey}` });

/** `POST /v1/verifications`: sends an email code. */
export function nativeSend(target: ApiTarget, to: string, purpose: string): Promise<ApiResponse> {
  return call(target.baseUrl, '/v1/verifications', {
    method: 'POST',
    headers: { ...bearer(target), 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'email', to, purpose }),
  });
}

/** `POST /v1/verifications/check`: checks an email code. */
export function nativeCheck(
  target: ApiTarget,
  to: string,
  purpose: string,
  code: string,
): Promise<ApiResponse> {
  return call(target.baseUrl, '/v1/verifications/check', {
    method: 'POST',
    headers: { ...bearer(target), 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'email', to, purpose, code }),
  });
}

/** `GET /v1/verifications?…`: reads, sends nothing; 401 for an unknown key, else 200 or 404. */
export function nativeFind(target: ApiTarget, to: string, purpose: string): Promise<ApiResponse> {
  const query = new URLSearchParams({ channel: 'email', to, purpose });
  return call(target.baseUrl, `/v1/verifications?${query}`, { headers: bearer(target) });
}

function twilioOf(target: ApiTarget): TwilioCredentials {
  if (!target.twilio) throw new Error('this target has no Twilio credentials');
  return target.twilio;
}

function basic(twilio: TwilioCredentials) {
  const pair = Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64');
  return { authorization: `Basic ${pair}`, 'content-type': 'application/x-www-form-urlencoded' };
}

/**
 * Twilio `POST …/Verifications` with the code the verifier chose (`CustomCode`): to an email address, or with
 * `Channel=call` to a phone number.
 */
export function twilioCreate(
  target: ApiTarget,
  to: string,
  customCode: string,
  channel: 'email' | 'call' = 'email',
): Promise<ApiResponse> {
  const twilio = twilioOf(target);
  return call(target.baseUrl, `/v2/Services/${twilio.serviceSid}/Verifications`, {
    method: 'POST',
    headers: basic(twilio),
    body: new URLSearchParams({ To: to, Channel: channel, CustomCode: customCode }).toString(),
  });
}

/** Twilio `POST …/VerificationCheck` by `To` and `Code`. */
export function twilioCheck(target: ApiTarget, to: string, code: string): Promise<ApiResponse> {
  const twilio = twilioOf(target);
  return call(target.baseUrl, `/v2/Services/${twilio.serviceSid}/VerificationCheck`, {
    method: 'POST',
    headers: basic(twilio),
    body: new URLSearchParams({ To: to, Code: code }).toString(),
  });
}

/** Twilio `GET …/Verifications/{Sid}`: 20003 (401) for unknown credentials, 20404 for an unknown sid. */
export function twilioFetch(target: ApiTarget, sid: string): Promise<ApiResponse> {
  const twilio = twilioOf(target);
  return call(target.baseUrl, `/v2/Services/${twilio.serviceSid}/Verifications/${sid}`, {
    headers: basic(twilio),
  });
}

/** The code of the newest local outbox message to `to` (the local runtime only), or undefined. */
export async function outboxCode(baseUrl: string, to: string): Promise<string | undefined> {
  const { status, body } = await call(baseUrl, `/_local/outbox?to=${encodeURIComponent(to)}`);
  if (status !== 200) throw new Error(`GET /_local/outbox answered ${status}: is this the local runtime?`);
  const messages = record(body).messages;
  const [newest] = Array.isArray(messages) ? messages : [];
  return /\b(\d{4,10})\b/.exec(field(newest, 'text'))?.[1];
}

/** Lifecycle events from the local runtime's stand-in for the bus, newest first. */
export async function localEvents(baseUrl: string): Promise<Record<string, unknown>[]> {
  const { status, body } = await call(baseUrl, '/_local/events');
  if (status !== 200) throw new Error(`GET /_local/events answered ${status}: is this the local runtime?`);
  const events = record(body).events;
  return Array.isArray(events) ? events.map(record) : [];
}
