// Twilio dialect: the create's optional parameters that shape what is sent and stored (Locale, Amount and
// Payee, ChannelConfiguration, Tags, RateLimits), read from the form; each refusal is 60200 naming it.
import { parseEmail, parsePhone } from '../../address.ts';
import { countryLocale, LOCALE_TEXTS, localeTag } from '../../delivery/locale-text.ts';
import { InputError } from '../../domain/errors.ts';
import { type Channel, type Locale, matchLocale } from '../../domain/vocabulary.ts';
import { isSafeMessageText } from '../../engine/message-text.ts';
import type { Tenant } from '../../tenants/schema.ts';

export type Form = Record<string, string>;
type Service = NonNullable<Tenant['twilio']>['services'][number];

/** Twilio's 60200, naming the parameter. */
export const invalid = (name: string, why: string) =>
  new InputError(60200, [`Invalid parameter \`${name}\`: ${why}`]);

/** An optional parameter: absent when missing or blank, as form libraries send unset fields. */
export const optional = (form: Form, name: string) => form[name]?.trim() || undefined;

/** A JSON object parameter (Twilio sends `RateLimits`, `ChannelConfiguration` and `Tags` as JSON text). */
export function jsonObject(form: Form, name: string): Record<string, unknown> | undefined {
  const text = optional(form, name);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // refused below
  }
  throw invalid(name, 'must be a JSON object');
}

/** Text that may be echoed or bound to a code: 1–100 characters, none of them controls. */
function plainText(form: Form, name: string): string | undefined {
  const value = optional(form, name);
  if (value !== undefined && (value.length > 100 || !isSafeMessageText(value))) {
    throw invalid(name, 'must be at most 100 characters without control characters');
  }
  return value;
}

/** Amount and Payee, bound to the code: a check must name the same (PSD2 dynamic linking). */
export function bindingOf(form: Form): { binding?: string; extras: Record<string, string> } {
  const amount = plainText(form, 'Amount');
  const payee = plainText(form, 'Payee');
  const extras: Record<string, string> = {};
  if (amount !== undefined) extras.amount = amount;
  if (payee !== undefined) extras.payee = payee;
  const binding = amount === undefined && payee === undefined ? undefined : JSON.stringify([amount, payee]);
  return { binding, extras };
}

/** `Locale`, else the language of the number's country (as Twilio does), else the service's default. */
export function languageOf(form: Form, channel: Channel, to: string, tenant: Tenant, service: Service) {
  const given = optional(form, 'Locale');
  const tag = given === undefined ? undefined : localeTag(given);
  // Twilio answers an unsupported override locale with a 404.
  if (given !== undefined && !tag) {
    throw new InputError(20404, [
      `Invalid parameter \`Locale\`: ${given.slice(0, 20)} is not a supported locale`,
    ]);
  }
  const chosen = tag ?? (channel !== 'email' ? countryLocale(parsePhone(to)?.country) : undefined);
  const own: Locale = matchLocale(chosen) ?? service.defaultLocale ?? tenant.defaultLocale;
  // WhatsApp templates and call voices exist in the tenant's locales only: another language asked for is refused.
  if ((channel === 'whatsapp' || channel === 'voice') && given !== undefined && !matchLocale(tag)) {
    throw invalid('Locale', 'whatsapp and call messages are offered in en and zh only');
  }
  const text = chosen ? LOCALE_TEXTS[chosen] : undefined;
  // The tenant's own templates (en, zh-CN) stay theirs; every other language gets its default text.
  if (!chosen || !text || matchLocale(chosen)) return { locale: own };
  return { locale: own, localeText: { lang: chosen, ...text } };
}

/** `ChannelConfiguration`: email `from` (on the tenant's sending domain) and `from_name`; nothing else. */
export function mailFromOf(form: Form, channel: Channel, tenant: Tenant): string | undefined {
  const config = jsonObject(form, 'ChannelConfiguration');
  if (!config) return undefined;
  for (const key of Object.keys(config)) {
    if (key !== 'from' && key !== 'from_name') {
      throw invalid(
        'ChannelConfiguration',
        `${key.slice(0, 40)} is not supported (the tenant's templates are used)`,
      );
    }
  }
  if (channel !== 'email') throw invalid('ChannelConfiguration', 'from and from_name apply to email only');
  const { from, from_name: name } = config;
  const tenantAddress = /<([^>]+)>\s*$/.exec(tenant.mail.from)?.[1] ?? tenant.mail.from;
  const domain = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  let address = tenantAddress;
  if (from !== undefined) {
    const parsed = typeof from === 'string' ? parseEmail(from) : undefined;
    if (!parsed || domain(parsed) !== domain(tenantAddress)) {
      throw invalid('ChannelConfiguration', 'from must be an address on the sending domain');
    }
    address = parsed;
  }
  if (name === undefined) return address;
  if (
    typeof name !== 'string' ||
    !name ||
    name.length > 64 ||
    !isSafeMessageText(name) ||
    /["\\<>]/.test(name)
  ) {
    throw invalid(
      'ChannelConfiguration',
      'from_name must be 1 to 64 characters without quotes, <, > or controls',
    );
  }
  return `"${name}" <${address}>`;
}

/** `Tags`: a JSON object of at most 10 string values, keys and values up to 128 characters. */
export function tagsOf(form: Form): string | undefined {
  const tags = jsonObject(form, 'Tags');
  if (!tags) return undefined;
  const entries = Object.entries(tags);
  const fits = (text: string) => text.length <= 128 && isSafeMessageText(text);
  if (
    entries.length > 10 ||
    entries.some(([key, value]) => typeof value !== 'string' || !fits(key) || !fits(value))
  ) {
    throw invalid('Tags', 'must be at most 10 tags, string keys and values of up to 128 characters');
  }
  return JSON.stringify(tags);
}

/**
 * Twilio's list paging parameters: `PageSize` (1–1000, default 50) and `Page` (from 0), each refused by name
 * (60200) when not a number in range; `PageToken` as given (each list reads its own tokens).
 */
export function pageParameters(query: Record<string, string | undefined>) {
  const sizeText = query.PageSize;
  const pageText = query.Page;
  if (sizeText !== undefined && !/^\d{1,4}$/.test(sizeText)) throw invalid('PageSize', 'must be 1 to 1000');
  const size = sizeText === undefined ? 50 : Number(sizeText);
  if (size < 1 || size > 1000) throw invalid('PageSize', 'must be 1 to 1000');
  if (pageText !== undefined && !/^\d{1,6}$/.test(pageText)) throw invalid('Page', 'must be a page number');
  return { size, page: pageText === undefined ? 0 : Number(pageText), token: query.PageToken };
}
