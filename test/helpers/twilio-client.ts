// Test helper: the official `twilio` client pointed at the local runtime through its documented custom
// httpClient — only the host changes, so every request and every parse is the client's own.
import twilio from 'twilio';
import type { RequestOptions } from 'twilio/lib/base/RequestClient';

/** The demo tenant's Twilio account, auth token and service (config/tenants.demo.json; public, local only). */
export const DEMO_TWILIO = {
  account: 'AC0123456789abcdef0123456789abcdef',
  token: 'demo-twilio-auth-token',
  service: 'VA0123456789abcdef0123456789abcdef',
} as const;

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
