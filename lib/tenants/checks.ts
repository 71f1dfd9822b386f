// Tenant checks beyond the schema: every setting a valid config can still get wrong so that requests fail at run
// time (a "busy" answer, or one refusal for every SMS). The file loader runs them, so `tenants:load` and `npm start`
// refuse such a tenant naming the field, instead of a deployment that answers but cannot send.
import { type CountryCode, isSupportedCountry } from 'libphonenumber-js/core';
import { phoneMetadata } from '../address.ts';
import type { Tenant } from './schema.ts';

/** One reason a tenant would fail at run time: the tenant, the field (a path into its config) and why. */
export interface TenantProblem {
  tenant: string;
  field: string;
  message: string;
}

/**
 * What SNS accepts as an SMS sender ID: 1 to 11 alphanumeric characters, at least one a letter, no spaces (Amazon
 * SNS Developer Guide, _Setting SMS messaging preferences_, `AWS.SNS.SMS.SenderID`).
 */
const SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/;

/** E.164: what SNS takes as `AWS.MM.SMS.OriginationNumber`. */
const E164 = /^\+[1-9]\d{6,14}$/;

/** `AWS.SNS.SMS.MaxPrice` is a Number attribute in USD ("0.50"); SNS refuses the publish otherwise. */
const PRICE = /^\d{1,4}(\.\d{1,5})?$/;

/** The placeholders lib/delivery/templates.ts fills; any other `{name}` would reach the user as typed. */
export const TEMPLATE_PLACEHOLDERS = ['app', 'action', 'code', 'minutes', 'link'] as const;

/** How `npm start` treats a tenant without `mail.linkBaseUrl`: it fills its own address (infra/local/start.ts). */
export interface CheckOptions {
  /**
   * `deployment` (the default, `tenants:load`): a host alias needs `mail.linkBaseUrl`. `local` (`npm start`): the
   * local runtime fills its own address for a tenant without one, so that rule is met there.
   */
  target?: 'deployment' | 'local';
}

const aliasKinds = (tenant: Tenant): string[] =>
  [
    tenant.aliases.userDomains.length > 0 && 'aliases.userDomains',
    tenant.aliases.clientIds.length > 0 && 'aliases.clientIds',
    tenant.aliases.hosts.length > 0 && 'aliases.hosts',
    tenant.apiKeySha256.length > 0 && 'apiKeySha256',
    (tenant.twilio?.accounts.length ?? 0) > 0 && 'twilio.accounts',
  ].filter((kind): kind is string => typeof kind === 'string');

/** The SMS sender settings a tenant set, each of which means it intends to text. */
const smsSettings = (tenant: Tenant): string[] =>
  [
    tenant.sms.senderId !== undefined && 'sms.senderId',
    tenant.sms.originationNumber !== undefined && 'sms.originationNumber',
    tenant.sms.maxPrice !== undefined && 'sms.maxPrice',
    tenant.sms.enterprise !== undefined && 'sms.enterprise',
  ].filter((kind): kind is string => typeof kind === 'string');

/** Whether the raw (unparsed) tenant states `sms.allowedCountries` itself rather than taking the default. */
function statesCountries(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null) return false;
  const sms = (raw as { sms?: unknown }).sms;
  return typeof sms === 'object' && sms !== null && 'allowedCountries' in sms;
}

/**
 * Every problem of one tenant that the schema lets through but a request would hit. `raw` is the tenant as the
 * file spelled it (before defaults), used to tell a stated `sms.allowedCountries: []` from a forgotten one.
 */
export function tenantProblems(tenant: Tenant, raw?: unknown, options: CheckOptions = {}): TenantProblem[] {
  const problems: TenantProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ tenant: tenant.id, field, message });
  const aliases = aliasKinds(tenant);
  const countries = tenant.sms.allowedCountries;

  // Seed 004 (AnqiCMS) mails `{linkBaseUrl}/api/verify/email?token=…` to any tenant reachable by host; without a
  // base URL each such send is a configuration fault, answered "busy" (lib/dialects/anqicms).
  if (tenant.aliases.hosts.length > 0 && !tenant.mail.linkBaseUrl && options.target !== 'local') {
    problem(
      'mail.linkBaseUrl',
      'is required: aliases.hosts make the tenant reachable by AnqiCMS (seed 004), whose mails carry a link to ' +
        "{mail.linkBaseUrl}/api/verify/email; set it to this API's base URL, e.g. https://verify.example.com, or " +
        'pass tenants:load --link-base-url (npm start fills its own address; a deployed table has no fallback)',
    );
  }

  // Every alias kind reaches an SMS send (native, Fresns, EIAM, Acceleronix SMS, Twilio): with no country, each is
  // refused as country_not_allowed. The file must say so: a list of countries, or [] for an email-only tenant.
  if (raw !== undefined && aliases.length > 0 && !statesCountries(raw)) {
    problem(
      'sms.allowedCountries',
      `is not set, so every SMS would be refused (country_not_allowed) although ${aliases.join(', ')} accept SMS ` +
        'sends: list the countries the tenant may text (ISO 3166 codes, e.g. ["US", "GB"]), or set [] to make it ' +
        'email-only',
    );
  }
  const senders = smsSettings(tenant);
  if (countries.length === 0 && senders.length > 0) {
    problem(
      'sms.allowedCountries',
      `is empty, so every SMS would be refused (country_not_allowed), yet ${senders.join(', ')} ${
        senders.length === 1 ? 'is' : 'are'
      } set for texting: list the countries the tenant may text, or remove the SMS settings`,
    );
  }
  // Each phone channel's own country list: a code no number is parsed into ("UK" for GB) would refuse every number.
  for (const [channel, list] of [
    ['sms', countries],
    ['whatsapp', tenant.whatsapp?.allowedCountries ?? []],
    ['voice', tenant.voice?.allowedCountries ?? []],
  ] as const)
    list.forEach((country, index) => {
      if (!isSupportedCountry(country as CountryCode, phoneMetadata()))
        problem(
          `${channel}.allowedCountries[${index}]`,
          `"${country}" is not a country phone numbers are parsed into (an upper-case ISO 3166 code such as "US"); ` +
            'no number would ever match it',
        );
    });

  // A price under a key no number is parsed into would never be charged: the text would go at the UNLISTED_USD guess.
  for (const country of Object.keys(tenant.sms.guard?.pricesUsd ?? {})) {
    if (!isSupportedCountry(country as CountryCode, phoneMetadata()))
      problem(
        `sms.guard.pricesUsd.${country}`,
        `"${country}" is not a country phone numbers are parsed into (an upper-case ISO 3166 code such as "GB"); ` +
          'its price would never be charged',
      );
  }

  // Seed 002 (Acceleronix SMS) signs every request with userDomainSecret and refuses all of them without one (5032).
  if (tenant.aliases.userDomains.length > 0 && countries.length > 0 && !tenant.userDomainSecret) {
    problem(
      'userDomainSecret',
      'is required: aliases.userDomains with SMS countries reach Acceleronix SMS (seed 002), which refuses every ' +
        'request of a tenant without its signing secret (5032); set it (16+ characters) or set ' +
        'sms.allowedCountries to [] for an email-only tenant',
    );
  }

  if (tenant.sms.senderId !== undefined && !SENDER_ID.test(tenant.sms.senderId))
    problem('sms.senderId', 'must be 1–11 letters and digits, at least one a letter (an SNS sender ID)');
  tenant.sms.enterprise?.signatures.forEach((signature, index) => {
    if (signature.senderId !== undefined && !SENDER_ID.test(signature.senderId))
      problem(
        `sms.enterprise.signatures[${index}].senderId`,
        'must be 1–11 letters and digits, at least one a letter (an SNS sender ID)',
      );
  });
  if (tenant.sms.originationNumber !== undefined && !E164.test(tenant.sms.originationNumber))
    problem(
      'sms.originationNumber',
      'must be an E.164 number such as +12065550100 (SNS refuses anything else)',
    );
  if (tenant.sms.maxPrice !== undefined && !PRICE.test(tenant.sms.maxPrice))
    problem('sms.maxPrice', 'must be a price in USD such as "0.50" (SNS refuses anything else)');
  // A ceiling of zero is below every price: the provider would refuse every text or call as too dear.
  if (tenant.sms.maxPrice !== undefined && Number(tenant.sms.maxPrice) === 0)
    problem('sms.maxPrice', 'is 0: SNS would refuse every text as over it; raise it or leave it out');
  if (tenant.voice?.maxPricePerMinute !== undefined && Number(tenant.voice.maxPricePerMinute) === 0)
    problem(
      'voice.maxPricePerMinute',
      'is 0: SMS and Voice would refuse every call as dearer; raise it or leave it out',
    );

  // Twilio: an account with no service answers every request 20404; a service with no account is never reached.
  const twilio = tenant.twilio;
  if (twilio && twilio.services.length > 0 && twilio.accounts.length === 0)
    problem('twilio.accounts', 'is empty: no caller can authenticate, so twilio.services are unreachable');
  if (twilio && twilio.accounts.length > 0 && twilio.services.length === 0)
    problem(
      'twilio.services',
      'is empty: every request of twilio.accounts would answer 20404 (service not found)',
    );

  for (const [locale, purposes] of Object.entries(tenant.templates)) {
    for (const [purpose, parts] of Object.entries(purposes ?? {})) {
      for (const [part, text] of Object.entries(parts ?? {})) {
        if (typeof text !== 'string') continue;
        const field = `templates.${locale}.${purpose}.${part}`;
        const unknown = [...text.matchAll(/\{(\w+)\}/g)]
          .map((match) => match[1] ?? '')
          .filter((name) => !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name));
        if (unknown.length > 0)
          problem(
            field,
            `has unknown placeholder(s) ${unknown.map((name) => `{${name}}`).join(', ')} (they would be sent as ` +
              `typed); the placeholders are ${TEMPLATE_PLACEHOLDERS.map((name) => `{${name}}`).join(', ')}`,
          );
        if (part !== 'subject' && !text.includes('{code}') && !text.includes('{link}'))
          problem(field, 'has neither {code} nor {link}: the message would carry nothing to verify with');
      }
    }
  }
  return problems;
}

/** Every problem of every tenant; `raw` is the file's `tenants` array as written (same order), when there is one. */
export function tenantsProblems(
  tenants: Tenant[],
  raw?: unknown[],
  options: CheckOptions = {},
): TenantProblem[] {
  return tenants.flatMap((tenant, index) => tenantProblems(tenant, raw?.[index], options));
}

/** The problems as lines: `✖ tenant demo: mail.linkBaseUrl is required: …`. */
export function formatProblems(problems: TenantProblem[]): string {
  return problems.map((p) => `✖ tenant ${p.tenant}: ${p.field} ${p.message}`).join('\n');
}
