// Admin (tenants:load): a tenant's WhatsApp and call settings checked against the AWS account and region they will
// send from. The schema checks shapes only: an origination identity that cannot place calls, a WhatsApp number of
// another region, a template Meta has not approved as an authentication template would all load and then fail
// every send (503 delivery_failed). Read-only calls; a refusal names the tenant and the field, as the other checks.
import {
  DescribeConfigurationSetsCommand,
  DescribePhoneNumbersCommand,
  DescribePoolsCommand,
  NumberCapability,
  NumberStatus,
  type PinpointSMSVoiceV2Client,
  paginateDescribePhoneNumbers,
  paginateListPoolOriginationIdentities,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import {
  GetLinkedWhatsAppBusinessAccountPhoneNumberCommand,
  paginateListWhatsAppMessageTemplates,
  type SocialMessagingClient,
  type TemplateSummary,
} from '@aws-sdk/client-socialmessaging';
import type { TenantProblem } from '../../lib/tenants/checks.ts';
import type { Tenant } from '../../lib/tenants/schema.ts';
import { ADMIN_ACTIONS } from '../admin-actions.ts';

/**
 * What a template must be at Meta for a code: an authentication template (Meta's category for one-time passwords, the
 * only one with a copy-code button) that Meta approved. `TemplateSummary` (client-socialmessaging) carries Meta's
 * values: `templateStatus` "APPROVED, PENDING, or REJECTED", `templateCategory` Meta's category names.
 */
const META_TEMPLATE = { category: 'AUTHENTICATION', approved: 'APPROVED' } as const;

/** The End User Messaging clients the checks read with, in the table's region. */
export interface ProviderClients {
  smsVoice: PinpointSMSVoiceV2Client;
  social: SocialMessagingClient;
}

/** Undefined when the call answers that the resource does not exist; any other error is thrown. */
async function unlessMissing<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/**
 * A failed read, named: the tenant whose settings were being read, the error, and for a refusal what the loader
 * needs and which policy grants it.
 */
function failedRead(error: unknown, tenant: Tenant, reader: Reader): Error {
  const { name, message } = error as Error;
  const what = `tenant ${tenant.id}: reading its WhatsApp and call settings from AWS End User Messaging failed (${name}: ${message})`;
  if (name !== 'AccessDeniedException') return new Error(what, { cause: error });
  return new Error(
    `${what}: ${reader.command} needs ${reader.needs.join(', ')} — the admin policy (AdminPolicyArn) of a stack deployed with -c channels=… grants those of its channels`,
    { cause: error },
  );
}

/** Who reads, and what it needs to be allowed: named in a refusal. */
export interface Reader {
  command: string;
  needs: readonly string[];
}

const TENANTS_LOAD: Reader = {
  command: 'tenants:load',
  needs: [...ADMIN_ACTIONS.tenantsVoice, ...ADMIN_ACTIONS.tenantsWhatsApp],
};

/** The capabilities and status of a voice origination identity, or why it is none. */
type Identity = { capabilities: string[]; status: string } | { missing: true } | { notAnIdentity: true };

/** Every phone number of the account (to find one given as E.164), read once per run. */
function phoneNumbersOf(client: PinpointSMSVoiceV2Client) {
  let all: Promise<{ PhoneNumber?: string; NumberCapabilities?: string[]; Status?: string }[]> | undefined;
  return () => {
    all ??= (async () => {
      const numbers = [];
      for await (const page of paginateDescribePhoneNumbers({ client }, {}))
        numbers.push(...(page.PhoneNumbers ?? []));
      return numbers;
    })();
    return all;
  };
}

async function identityOf(
  client: PinpointSMSVoiceV2Client,
  identity: string,
  everyNumber: ReturnType<typeof phoneNumbersOf>,
): Promise<Identity> {
  if (/^\+\d+$/.test(identity)) {
    const found = (await everyNumber()).find((number) => number.PhoneNumber === identity);
    return found
      ? { capabilities: found.NumberCapabilities ?? [], status: found.Status ?? '' }
      : { missing: true };
  }
  if (/^phone-|:phone-number\//.test(identity)) {
    const answer = await unlessMissing(() =>
      client.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [identity] })),
    );
    const number = answer?.PhoneNumbers?.[0];
    return number
      ? { capabilities: number.NumberCapabilities ?? [], status: number.Status ?? '' }
      : { missing: true };
  }
  if (/^pool-|:pool\//.test(identity)) {
    const pool = (await unlessMissing(() => client.send(new DescribePoolsCommand({ PoolIds: [identity] }))))
      ?.Pools?.[0];
    if (!pool) return { missing: true };
    const capabilities = new Set<string>();
    for await (const page of paginateListPoolOriginationIdentities({ client }, { PoolId: identity }))
      for (const member of page.OriginationIdentities ?? [])
        for (const capability of member.NumberCapabilities ?? []) capabilities.add(capability);
    return { capabilities: [...capabilities], status: pool.Status ?? '' };
  }
  return { notAnIdentity: true };
}

async function voiceProblems(
  tenant: Tenant,
  client: PinpointSMSVoiceV2Client,
  everyNumber: ReturnType<typeof phoneNumbersOf>,
  region: string,
): Promise<TenantProblem[]> {
  const voice = tenant.voice;
  if (!voice) return [];
  const problems: TenantProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ tenant: tenant.id, field, message });
  const identity = await identityOf(client, voice.originationIdentity, everyNumber);
  if ('notAnIdentity' in identity)
    problem(
      'voice.originationIdentity',
      'is neither a phone number (E.164, phone-…) nor a pool (pool-…) or their ARN: only those place calls',
    );
  else if ('missing' in identity)
    problem(
      'voice.originationIdentity',
      `is no phone number or pool of this account in ${region}: every call would fail (request a voice-capable number there, docs/whatsapp-voice.md)`,
    );
  else if (!identity.capabilities.includes(NumberCapability.VOICE))
    problem(
      'voice.originationIdentity',
      `cannot place calls (its capabilities: ${identity.capabilities.join(', ') || 'none'}): use a number or pool with VOICE`,
    );
  else if (identity.status !== NumberStatus.ACTIVE)
    problem('voice.originationIdentity', `is ${identity.status}, not ACTIVE: calls fail until it is`);
  if (voice.configurationSetName !== undefined) {
    const name = voice.configurationSetName;
    const found = await unlessMissing(() =>
      client.send(new DescribeConfigurationSetsCommand({ ConfigurationSetNames: [name] })),
    );
    if (!found?.ConfigurationSets?.length)
      problem(
        'voice.configurationSetName',
        `"${name}" is no SMS and Voice configuration set of this account in ${region}: every call would fail`,
      );
  }
  return problems;
}

/** `phone-number-id-…`, the id GetLinkedWhatsAppBusinessAccountPhoneNumber takes, from the id or its ARN. */
const phoneNumberId = (value: string) => value.replace(/^arn:.*:phone-number-id\//, 'phone-number-id-');

async function whatsappProblems(
  tenant: Tenant,
  client: SocialMessagingClient,
  templatesOf: (waba: string) => Promise<TemplateSummary[]>,
  region: string,
): Promise<TenantProblem[]> {
  const whatsapp = tenant.whatsapp;
  if (!whatsapp) return [];
  const problems: TenantProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ tenant: tenant.id, field, message });
  const id = phoneNumberId(whatsapp.originationPhoneNumberId);
  const number = await unlessMissing(() =>
    client.send(new GetLinkedWhatsAppBusinessAccountPhoneNumberCommand({ id })),
  );
  const waba = number?.linkedWhatsAppBusinessAccountId;
  if (!waba) {
    problem(
      'whatsapp.originationPhoneNumberId',
      `is no WhatsApp number linked to this account in ${region}: every WhatsApp send would fail (docs/whatsapp-voice.md, Setting up WhatsApp on AWS, step 1)`,
    );
    return problems;
  }
  const templates = await templatesOf(waba);
  for (const [locale, wanted] of Object.entries(whatsapp.templates)) {
    if (!wanted) continue;
    const field = `whatsapp.templates.${locale}`;
    const found = templates.find(
      (template) => template.templateName === wanted.name && template.templateLanguage === wanted.language,
    );
    if (!found)
      problem(
        field,
        `names ${wanted.name} (${wanted.language}), a template the WhatsApp Business Account ${waba} does not have: submit it to Meta (docs/whatsapp-voice.md, step 2)`,
      );
    else if (found.templateCategory?.toUpperCase() !== META_TEMPLATE.category)
      problem(
        field,
        `names a ${found.templateCategory ?? 'uncategorized'} template: codes go in an authentication template with a copy-code button (docs/whatsapp-voice.md, step 2)`,
      );
    else if (found.templateStatus?.toUpperCase() !== META_TEMPLATE.approved)
      problem(
        field,
        `names a template that is ${found.templateStatus ?? 'not yet reviewed'} at Meta: sends fail until it is ${META_TEMPLATE.approved}`,
      );
  }
  return problems;
}

/** A WABA's templates, every page, read once per WABA per run. */
function templatesReader(client: SocialMessagingClient) {
  const read = new Map<string, Promise<TemplateSummary[]>>();
  return (waba: string) => {
    let templates = read.get(waba);
    if (!templates) {
      templates = (async () => {
        const all: TemplateSummary[] = [];
        for await (const page of paginateListWhatsAppMessageTemplates({ client }, { id: waba }))
          all.push(...(page.templates ?? []));
        return all;
      })();
      read.set(waba, templates);
    }
    return templates;
  };
}

/** Every problem of every tenant's WhatsApp and call settings in `region`; none for tenants without either. */
export async function providerProblems(
  tenants: Tenant[],
  clients: ProviderClients,
  region: string,
  reader: Reader = TENANTS_LOAD,
): Promise<TenantProblem[]> {
  const everyNumber = phoneNumbersOf(clients.smsVoice);
  const templatesOf = templatesReader(clients.social);
  const problems: TenantProblem[] = [];
  for (const tenant of tenants) {
    try {
      problems.push(...(await voiceProblems(tenant, clients.smsVoice, everyNumber, region)));
      problems.push(...(await whatsappProblems(tenant, clients.social, templatesOf, region)));
    } catch (error) {
      throw failedRead(error, tenant, reader);
    }
  }
  return problems;
}
