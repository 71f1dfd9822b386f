// Twilio dialect: the Service resource (create, list, fetch, update, delete). Services come from two places:
// the tenants file (read-only, every account of the tenant sees them) and the table (made through this API,
// each account sees only its own). Every body parameter of Twilio's definition is honoured or refused by name.
import { randomHex } from '../../crypto.ts';
import { InputError } from '../../domain/errors.ts';
import { isSafeMessageText } from '../../engine/message-text.ts';
import type { HttpRequest } from '../../http/request.ts';
import { documentClient, getRuntime } from '../../runtime.ts';
import type { ServiceChanges, StoredService } from '../../store/twilio-services.ts';
import { TwilioServiceStore } from '../../store/twilio-services.ts';
import type { Tenant } from '../../tenants/schema.ts';
import { canonicalSid, SID } from './codes.ts';
import { type Form, invalid, optional, pageParameters } from './options.ts';
import { baseUrl, twilioTime } from './resources.ts';

type FileService = NonNullable<Tenant['twilio']>['services'][number];

/** The body parameters of CreateService and UpdateService in Twilio's API definition (the same list). */
export const SERVICE_PARAMETERS = [
  'FriendlyName',
  'CodeLength',
  'LookupEnabled',
  'SkipSmsToLandlines',
  'DtmfInputRequired',
  'TtsName',
  'Psd2Enabled',
  'DoNotShareWarningEnabled',
  'CustomCodeEnabled',
  'Push.IncludeDate',
  'Push.ApnCredentialSid',
  'Push.FcmCredentialSid',
  'Totp.Issuer',
  'Totp.TimeStep',
  'Totp.CodeLength',
  'Totp.Skew',
  'DefaultTemplateSid',
  'Whatsapp.MsgServiceSid',
  'Whatsapp.From',
  'Passkeys.RelyingParty.Id',
  'Passkeys.RelyingParty.Name',
  'Passkeys.RelyingParty.Origins',
  'Passkeys.AuthenticatorAttachment',
  'Passkeys.DiscoverableCredentials',
  'Passkeys.UserVerification',
  'VerifyEventSubscriptionEnabled',
] as const;

/** Parameters refused whatever their value: features Codegate does not offer. */
const UNOFFERED: Record<string, string> = {
  TtsName: 'voice is not offered',
  DtmfInputRequired: 'voice is not offered',
  DefaultTemplateSid: "templates are the tenant's; no template sid is supported",
  'Push.IncludeDate': 'Verify Push is not offered',
  'Push.ApnCredentialSid': 'Verify Push is not offered',
  'Push.FcmCredentialSid': 'Verify Push is not offered',
  'Totp.Issuer': 'TOTP is not offered',
  'Totp.TimeStep': 'TOTP is not offered',
  'Totp.CodeLength': 'TOTP is not offered',
  'Totp.Skew': 'TOTP is not offered',
  'Whatsapp.MsgServiceSid': 'the whatsapp channel is not offered',
  'Whatsapp.From': 'the whatsapp channel is not offered',
  'Passkeys.RelyingParty.Id': 'passkeys are not offered',
  'Passkeys.RelyingParty.Name': 'passkeys are not offered',
  'Passkeys.RelyingParty.Origins': 'passkeys are not offered',
  'Passkeys.AuthenticatorAttachment': 'passkeys are not offered',
  'Passkeys.DiscoverableCredentials': 'passkeys are not offered',
  'Passkeys.UserVerification': 'passkeys are not offered',
};

/**
 * Booleans Codegate has one behaviour for: the value it has is accepted, the other refused.
 * Landlines are always refused (60205), Amount/Payee always honoured (PSD2), no carrier lookup, no
 * "do not share" line, no event subscription.
 */
const FIXED: Record<string, { value: boolean; why: string }> = {
  LookupEnabled: { value: false, why: 'carrier lookup is not offered' },
  SkipSmsToLandlines: { value: true, why: 'landlines are always refused (60205)' },
  Psd2Enabled: { value: true, why: 'Amount and Payee are always honoured' },
  DoNotShareWarningEnabled: { value: false, why: "the message is the tenant's template" },
  VerifyEventSubscriptionEnabled: { value: false, why: 'Verify events are not offered' },
};

function booleanOf(form: Form, name: string): boolean | undefined {
  const value = optional(form, name);
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  throw invalid(name, 'must be true or false');
}

/** The body of CreateService (`creating`) or UpdateService → the changes Codegate stores. */
export function parseServiceFields(form: Form, creating: boolean): ServiceChanges {
  for (const [name, why] of Object.entries(UNOFFERED)) {
    if (optional(form, name) !== undefined) throw invalid(name, why);
  }
  for (const [name, fixed] of Object.entries(FIXED)) {
    const value = booleanOf(form, name);
    if (value !== undefined && value !== fixed.value)
      throw invalid(name, `only ${fixed.value}: ${fixed.why}`);
  }
  const changes: ServiceChanges = {};
  const name = optional(form, 'FriendlyName');
  if (name === undefined && creating) {
    throw new InputError(60200, ['Missing required parameter FriendlyName in the post body']);
  }
  if (name !== undefined) {
    // It becomes the app name in every message of the service: no controls, line or bidi characters.
    if (name.length > 30 || !isSafeMessageText(form.FriendlyName ?? '')) {
      throw invalid('FriendlyName', 'must be at most 30 characters, without control or bidi characters');
    }
    changes.friendlyName = name;
  }
  const length = optional(form, 'CodeLength');
  if (length !== undefined) {
    if (!/^(?:[4-9]|10)$/.test(length)) throw invalid('CodeLength', 'must be 4 to 10');
    changes.codeLength = Number(length);
  }
  const custom = booleanOf(form, 'CustomCodeEnabled');
  if (custom !== undefined) changes.customCodeEnabled = custom;
  return changes;
}

/** The services table, on the container's client. */
export async function serviceStore(): Promise<TwilioServiceStore> {
  const { config } = await getRuntime();
  if (!documentClient) throw new Error('no DynamoDB client');
  return new TwilioServiceStore(documentClient, config.TABLE_NAME);
}

/** A service sid from the path (`{ServiceSid}` or `{Sid}`), canonical; undefined when malformed. */
export function pathServiceSid(request: HttpRequest, name: 'ServiceSid' | 'Sid'): string | undefined {
  const sid = request.pathParameters[name] ?? '';
  return SID.service.test(sid) ? canonicalSid(sid) : undefined;
}

/** A tenants-file service of the tenant, by sid. File services win over table ones on a sid conflict. */
export const fileServiceOf = (tenant: Tenant, sid: string) =>
  tenant.twilio?.services.find((service) => service.sid === sid);

/** A table service as the verification routes use a service. */
export const asTenantService = (service: StoredService): FileService => ({
  sid: service.sid,
  friendlyName: service.friendlyName,
  codeLength: service.codeLength,
  customCodeEnabled: service.customCodeEnabled,
});

/**
 * The tenant as a verification route sees it for this request: a `{ServiceSid}` that is not a tenants-file
 * service is looked up in the table (one GetItem) and, when the caller's account has it, joins the tenant's
 * services. A tenants-file service costs no read.
 */
export async function withTableService(
  request: HttpRequest,
  tenant: Tenant,
  accountSid: string,
): Promise<Tenant> {
  const sid = pathServiceSid(request, 'ServiceSid');
  if (!sid || fileServiceOf(tenant, sid) || !tenant.twilio) return tenant;
  const stored = await (await serviceStore()).get(tenant.id, accountSid, sid);
  if (!stored) return tenant;
  return {
    ...tenant,
    twilio: { ...tenant.twilio, services: [...tenant.twilio.services, asTenantService(stored)] },
  };
}

/** The Service resource, with every field the `twilio` client reads. A file service has no dates. */
export function serviceResource(
  request: HttpRequest,
  service: FileService | StoredService,
  accountSid: string,
) {
  const url = `${baseUrl(request)}/v2/Services/${service.sid}`;
  const stored = 'createdAt' in service ? service : undefined;
  return {
    sid: service.sid,
    account_sid: accountSid,
    friendly_name: service.friendlyName,
    code_length: service.codeLength,
    lookup_enabled: FIXED.LookupEnabled?.value,
    psd2_enabled: FIXED.Psd2Enabled?.value,
    skip_sms_to_landlines: FIXED.SkipSmsToLandlines?.value,
    dtmf_input_required: false,
    tts_name: null,
    do_not_share_warning_enabled: FIXED.DoNotShareWarningEnabled?.value,
    custom_code_enabled: service.customCodeEnabled ?? false,
    push: { include_date: false, apn_credential_sid: null, fcm_credential_sid: null },
    totp: { issuer: null, time_step: null, code_length: null, skew: null },
    default_template_sid: null,
    whatsapp: { msg_service_sid: null, from: null },
    passkeys: null,
    verify_event_subscription_enabled: FIXED.VerifyEventSubscriptionEnabled?.value,
    date_created: stored ? twilioTime(stored.createdAt) : null,
    date_updated: stored ? twilioTime(stored.updatedAt) : null,
    url,
    links: {
      verifications: `${url}/Verifications`,
      verification_checks: `${url}/VerificationCheck`,
    },
  };
}

/** A new table service of the account. */
export function newService(accountSid: string, changes: ServiceChanges, now: number): StoredService {
  return {
    sid: `VA${randomHex(16)}`,
    accountSid,
    friendlyName: changes.friendlyName ?? '',
    codeLength: changes.codeLength ?? 6,
    customCodeEnabled: changes.customCodeEnabled ?? false,
    createdAt: now,
    updatedAt: now,
  };
}

/** Where a page starts: in the tenants-file services (an offset) or in the account's table services. */
type Cursor = { file: number } | { after?: string };

/** `PageSize` (1–1000, default 50), `Page` (≥ 0) and `PageToken` of ListService. */
export function parsePage(request: HttpRequest): {
  size: number;
  page: number;
  cursor: Cursor;
  token?: string;
} {
  const { size, page, token } = pageParameters(request.query);
  let cursor: Cursor = { file: 0 };
  if (token !== undefined) {
    const file = /^PTF(\d{1,6})$/.exec(token);
    const table = /^PTT(VA[0-9a-f]{32})?$/.exec(token);
    if (file) cursor = { file: Number(file[1]) };
    else if (table) cursor = { after: table[1] };
    else throw invalid('PageToken', 'not a token this API gave');
  }
  return { size, page, cursor, token };
}

/** One page of ListService: the file services first (sid order), then the account's table services. */
export async function listPage(request: HttpRequest, tenant: Tenant, accountSid: string) {
  const { size, page, cursor, token } = parsePage(request);
  const files = [...(tenant.twilio?.services ?? [])].sort((a, b) => a.sid.localeCompare(b.sid));
  const services: (FileService | StoredService)[] = [];
  let next: string | undefined;
  if ('file' in cursor) {
    services.push(...files.slice(cursor.file, cursor.file + size));
    if (cursor.file + size < files.length) next = `PTF${cursor.file + size}`;
  }
  const room = size - services.length;
  if (next === undefined && room > 0) {
    const after = 'after' in cursor ? cursor.after : undefined;
    const table = await (await serviceStore()).list(tenant.id, accountSid, room, after);
    // A table service whose sid a file service also names is shown once, as the file's (the file wins).
    services.push(...table.services.filter((service) => !fileServiceOf(tenant, service.sid)));
    const last = table.services.at(-1);
    if (table.more && last) next = `PTT${last.sid}`;
  } else if (next === undefined) {
    next = 'PTT';
  }
  const base = `${baseUrl(request)}/v2/Services`;
  const pageUrl = (number: number, pageToken?: string) =>
    `${base}?PageSize=${size}&Page=${number}${pageToken ? `&PageToken=${pageToken}` : ''}`;
  return {
    services: services.map((service) => serviceResource(request, service, accountSid)),
    meta: {
      page,
      page_size: size,
      first_page_url: pageUrl(0),
      // Tokens only go forward (DynamoDB pages do): the previous page is not linked.
      previous_page_url: null,
      url: pageUrl(page, token),
      next_page_url: next === undefined ? null : pageUrl(page + 1, next),
      key: 'services',
    },
  };
}
