// Test harness: the real local runtime (HTTP server + handlers) on the shared DynamoDB Local, one table per file.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { startLocal } from '../../infra/local/start.ts';
import { outbox } from '../../lib/runtime.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../../lib/tenants/load.ts';
import type { TenantsFile } from '../../lib/tenants/schema.ts';

export interface TestService {
  url: string;
  tableName: string;
  endpoint: string;
  /** Any request; returns status, headers and the parsed JSON body (or text). */
  request(
    method: string,
    path: string,
    options?: {
      query?: Record<string, string>;
      json?: unknown;
      body?: string;
      headers?: Record<string, string>;
      /** `manual` answers a redirect (a 302) itself instead of following it. */
      redirect?: 'follow' | 'manual';
    },
  ): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  /** Outbox messages to one address, newest first. */
  messages(to?: string): ReturnType<typeof outbox.list>;
  /** The 6-digit (or configured length) code of the newest message to `to`. */
  lastCode(to: string): string;
  stop(): Promise<void>;
}

/** The demo tenants with the per-IP send limit (existence answers share it) lowered to `limit` an hour. */
export async function demoTenantsWithPerIp(limit: number): Promise<TenantsFile> {
  const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
  return {
    tenants: tenants.map((tenant) => ({
      ...tenant,
      limits: { ...tenant.limits, perIp: { limit, windowSeconds: 3600 } },
    })),
  };
}

/** Starts the local runtime for one test file (TTL off, outbox quiet). */
export async function startService(
  options: { tenants?: TenantsFile; delivery?: 'outbox' | 'aws'; trustProxy?: boolean; port?: number } = {},
): Promise<TestService> {
  const tableName = `codegate-test-${randomBytes(6).toString('hex')}`;
  const service = await startLocal({
    port: options.port ?? 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tableName,
    tenants: options.tenants ?? (await loadTenantsFile(DEMO_TENANTS_FILE)),
    ttl: false,
    printOutbox: false,
    delivery: options.delivery ?? 'outbox',
    trustProxy: options.trustProxy ?? true,
  });
  return {
    url: service.url,
    tableName,
    endpoint: service.endpoint,
    async request(method, path, options = {}) {
      const url = new URL(path, service.url);
      for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
      const headers: Record<string, string> = { ...options.headers };
      let body = options.body;
      if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(url, { method, headers, body, redirect: options.redirect });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    messages: (to) => outbox.list(to),
    lastCode(to) {
      const [newest] = outbox.list(to);
      const code = newest?.text.match(/\b(\d{4,10})\b/)?.[1];
      if (!code) throw new Error(`no code in the outbox for ${to}`);
      return code;
    },
    stop: () => service.stop(),
  };
}

/** The demo tenant's Twilio Verify account and service (the demo tenants file). */
export const DEMO_TWILIO = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: 'demo-twilio-auth-token',
  serviceSid: 'VA0123456789abcdef0123456789abcdef',
} as const;

/** A POST to the demo Twilio service (`path` below it) as the Twilio client sends one: a form body, Basic auth. */
export function twilioPost(
  service: Pick<TestService, 'request'>,
  path: string,
  form: Record<string, string>,
) {
  const basic = Buffer.from(`${DEMO_TWILIO.accountSid}:${DEMO_TWILIO.authToken}`).toString('base64');
  return service.request('POST', `/v2/Services/${DEMO_TWILIO.serviceSid}${path}`, {
    body: new URLSearchParams(form).toString(),
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
}
