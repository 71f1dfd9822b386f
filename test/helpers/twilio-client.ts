// Test helper: the official `twilio` client pointed at the local runtime through its documented custom
// httpClient — only the host changes, so every request and every parse is the client's own.
import twilio from 'twilio';
import type { RequestOptions } from 'twilio/lib/base/RequestClient';
import { expect } from 'vitest';

/** The demo tenant's Twilio account, auth token and service (config/tenants.demo.json; public, local only). */
export const DEMO_TWILIO = {
  account: 'AC0123456789abcdef0123456789abcdef',
  token: 'demo-twilio-auth-token',
  service: 'VA0123456789abcdef0123456789abcdef',
} as const;

/** The other demo tenant's Twilio account and auth token (another tenant: it sees none of the demo's). */
export const OTHER_TWILIO = {
  account: 'AC00000000000000000000000000000002',
  token: 'other-twilio-auth-token',
  service: 'VA00000000000000000000000000000002',
} as const;

/** The official client for `credentials`, pointed at the local runtime at `base`. */
export const localTwilio = (base: string, credentials: { account: string; token: string } = DEMO_TWILIO) =>
  twilio(credentials.account, credentials.token, { httpClient: new LocalHttpClient(base) });

/** The RestException a client call must fail with (the test fails if it resolves or throws anything else). */
export async function restError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(twilio.RestException);
  return error as InstanceType<typeof twilio.RestException>;
}

/** Rewrites https://verify.twilio.com to `base`. */
export class LocalHttpClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super();
  }

  override request<TData>(opts: RequestOptions<TData>) {
    return super.request<TData>({
      ...opts,
      uri: opts.uri.replace(/^https:\/\/verify\.twilio\.com/, this.base),
    });
  }
}
