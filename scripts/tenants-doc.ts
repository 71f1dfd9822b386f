// `npm run tenants-doc`: writes docs/tenants.md, every tenant setting, from the zod schema itself (its JSON Schema
// and its `.describe()` texts), so the doc cannot drift: test/tenants-doc.test.ts regenerates it and compares.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { TEMPLATE_PLACEHOLDERS } from '../lib/tenants/checks.ts';
import { tenantSchema } from '../lib/tenants/schema.ts';
import { FULL_EXAMPLE, MINIMAL_EXAMPLE } from './tenants-doc-examples.ts';

export { FULL_EXAMPLE, MINIMAL_EXAMPLE } from './tenants-doc-examples.ts';

const DOC = fileURLToPath(new URL('../docs/tenants.md', import.meta.url));

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  propertyNames?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}

const ALL = 'all';
const SEEDS = {
  native: 'native',
  acceleronixMail: 'Acceleronix email (000)',
  acceleronixSms: 'Acceleronix SMS (002)',
  fresns: 'Fresns (001)',
  eiam: 'EIAM (003)',
  anqicms: 'AnqiCMS (004)',
  twilio: 'Twilio',
};

/** Which dialects read a setting: the longest matching path prefix wins (lib/dialects/* and lib/engine). */
const DIALECTS: [prefix: string, who: string][] = [
  ['', ALL],
  ['appName', 'all but Twilio (its `friendlyName`)'],
  ['aliases.userDomains', `${SEEDS.acceleronixMail}, ${SEEDS.acceleronixSms}`],
  ['aliases.clientIds', SEEDS.eiam],
  ['aliases.hosts', `${SEEDS.fresns}, ${SEEDS.anqicms}`],
  ['allowedOrigins', 'all browser-callable sends and confirmations'],
  ['apiKeySha256', SEEDS.native],
  ['userDomainSecret', SEEDS.acceleronixSms],
  ['sessionTokenSecret', SEEDS.fresns],
  ['mail', 'all that mail'],
  ['mail.linkBaseUrl', SEEDS.anqicms],
  ['mail.resetUrl', SEEDS.anqicms],
  ['mail.linkValiditySeconds', SEEDS.anqicms],
  ['sms', 'all that text'],
  ['sms.enterprise', SEEDS.acceleronixSms],
  ['whatsapp', `${SEEDS.native}, ${SEEDS.twilio} (Channel=whatsapp)`],
  ['voice', `${SEEDS.native}, ${SEEDS.twilio} (Channel=call)`],
  ['codes', 'all but Twilio (its `codeLength`, `validitySeconds`)'],
  ['codes.maxAttempts', ALL],
  ['codes.failureCap', ALL],
  ['accounts', `${SEEDS.fresns}, ${SEEDS.acceleronixSms}, ${SEEDS.anqicms}, ${SEEDS.twilio}`],
  ['captcha', SEEDS.eiam],
  ['fresns', SEEDS.fresns],
  ['twilio', SEEDS.twilio],
];

function dialectsOf(path: string): string {
  let best: [string, string] = ['', ALL];
  for (const [prefix, who] of DIALECTS) {
    const matches =
      prefix === '' || path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
    if (matches && prefix.length >= best[0].length) best = [prefix, who];
  }
  return best[1];
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  if (type === 'array' && schema.items) return `${typeOf(schema.items)}[]`;
  if (type === 'integer' || type === 'number') {
    const max =
      schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER ? schema.maximum : undefined;
    const range = [schema.minimum, max].every((bound) => bound === undefined)
      ? ''
      : ` ${schema.minimum ?? '…'}–${max ?? '…'}`;
    return `${type}${range}`;
  }
  if (type === 'string') {
    if (schema.format === 'uri') return 'URL';
    if (schema.format === 'email') return 'email address';
    if (schema.minLength !== undefined && schema.minLength === schema.maxLength)
      return `string (${schema.minLength})`;
    if (schema.pattern) return `string \`${schema.pattern}\``;
    const length = [schema.minLength, schema.maxLength].filter((bound) => bound !== undefined);
    return length.length > 0
      ? `string (${schema.minLength ?? 0}–${schema.maxLength ?? '…'} chars)`
      : 'string';
  }
  return type;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

interface Row {
  path: string;
  type: string;
  default: string;
  dialects: string;
  description: string;
}

/** Every setting, depth first, as the JSON Schema (input side: what a file may say) lists it. */
/** A tenant with only its required fields, parsed: every default in place. */
const DEFAULTS: unknown = tenantSchema.parse({ id: 'x', appName: 'x', mail: { from: 'x@x' } });

/** The default at a path of {@link DEFAULTS} (none under an array). */
function defaultAt(path: string): unknown {
  if (path.includes('[]')) return undefined;
  return path
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], DEFAULTS);
}

function rows(schema: JsonSchema, prefix = '', required = true, out: Row[] = []): Row[] {
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (name === 'configurationSet') continue; // refused by the schema itself, with its own message
    const isRequired = (schema.required ?? []).includes(name) && field.default === undefined;
    const value = isRequired ? undefined : path.includes('[]') ? field.default : defaultAt(path);
    const json = JSON.stringify(value);
    const fallback =
      value === undefined
        ? isRequired
          ? required
            ? '**required**'
            : 'required in it'
          : '—'
        : json.length > 48
          ? '(each field its own)'
          : `\`${json}\``;
    out.push({
      path,
      type: field.properties ? 'object' : typeOf(field),
      default: fallback,
      dialects: dialectsOf(path),
      description: field.description ?? '',
    });
    if (field.properties) rows(field, path, isRequired, out);
    if (field.items?.properties) rows(field.items, `${path}[]`, true, out);
  }
  return out;
}

/** What each template placeholder becomes (lib/delivery/templates.ts fills exactly these). */
const PLACEHOLDER_MEANING: Record<(typeof TEMPLATE_PLACEHOLDERS)[number], string> = {
  app: "`appName` (Twilio: the service's `friendlyName` or the request's `CustomFriendlyName`)",
  action: 'what the code is for, in the message\'s language ("sign in", "reset your password", …)',
  code: 'the code',
  minutes: 'how many minutes the code stays valid',
  link: 'the verification link (AnqiCMS mails; empty elsewhere)',
};

/** docs/tenants.md, whole. */
export function renderTenantsDoc(): string {
  const schema = z.toJSONSchema(tenantSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const table = rows(schema)
    .map(
      (row) =>
        `| \`${row.path}\` | ${cell(row.type)} | ${cell(row.default)} | ${cell(row.dialects)} | ${cell(row.description)} |`,
    )
    .join('\n');
  const placeholders = TEMPLATE_PLACEHOLDERS.map(
    (name) => `- \`{${name}}\`: ${PLACEHOLDER_MEANING[name]}`,
  ).join('\n');
  return `# Tenant settings

<!-- Generated by \`npm run tenants-doc\` from lib/tenants/schema.ts (its JSON Schema and descriptions) and
lib/tenants/checks.ts; test/tenants-doc.test.ts fails when they disagree. Edit those, then regenerate. -->

A tenants file is \`{ "tenants": [ … ] }\`, one object per tenant (app); \`npm run tenants:load\` loads it into a
deployment ([deploy.md](deploy.md#load-tenants)) and \`npm start\` serves it locally (\`TENANTS_FILE\`). Unknown keys
are refused by name. An object with a default may be left out, or given in part: each field left out takes its
own default.

## Examples

A minimal tenant: email codes through the native API, and no SMS (\`"allowedCountries": []\` says so):

\`\`\`json
${JSON.stringify(MINIMAL_EXAMPLE, null, 2)}
\`\`\`

A tenant that every dialect reaches (the hashes and secrets are examples):

\`\`\`json
${JSON.stringify(FULL_EXAMPLE, null, 2)}
\`\`\`

## Every setting

"Dialects" says which APIs read the setting ("all" includes the native API and Twilio).

| setting | type | default | dialects | what it does |
|---|---|---|---|---|
${table}

## Texting (SMS)

Every kind of alias accepts SMS sends: an API key (native), a host (Fresns), a clientId (EIAM), a userDomain
(Acceleronix SMS) and a Twilio account. A number is texted only if its country is in \`sms.allowedCountries\`
(upper-case ISO 3166 codes, e.g. \`["US", "GB"]\`); any other answers \`country_not_allowed\` (or the dialect's
code for it). So a tenant with aliases must **state** \`sms.allowedCountries\`: the countries it may text, or
\`[]\` for an email-only tenant. An SMS-capable tenant also wants:

- \`sms.dailyBudget\`: SMS per UTC day (default 100), the guard against SMS pumping;
- \`sms.senderId\` or \`sms.originationNumber\` where the destination countries require one
  (and, for SNS, registered in the account);
- \`sms.maxPrice\`: the most one SMS may cost in USD (\`"0.50"\`); SNS drops a message that would cost more;
- for Acceleronix SMS (\`aliases.userDomains\`), \`userDomainSecret\`: every request is signed with it.

## Templates

\`templates\` overrides messages per locale (\`en\`, \`zh-CN\`) and purpose, each part optional: \`subject\` (mail),
\`text\` (the SMS, and the mail's text part), \`html\` (the mail's HTML part; values are HTML-escaped). The
placeholders:

${placeholders}

A \`{name}\` that is not one of these would be sent as typed, and a \`text\` or \`html\` with neither \`{code}\`
nor \`{link}\` would carry nothing to verify with: loading refuses both.

## What loading refuses

Beyond the shapes above, \`tenants:load\` (and \`npm start\`) refuse, naming the tenant and the field, every
tenant a request would fail on (lib/tenants/checks.ts):

- a host alias (\`aliases.hosts\`) without \`mail.linkBaseUrl\`: AnqiCMS mails a link to
  \`{mail.linkBaseUrl}/api/verify/email\`. \`npm start\` fills its own address for a tenant without one (that is
  how the demo tenants run locally); \`tenants:load --link-base-url <url>\` gives one to every tenant that names
  none;
- aliases with \`sms.allowedCountries\` not stated (see _Texting_); an empty list with SMS sender settings
  (\`sms.senderId\`, \`originationNumber\`, \`maxPrice\`, \`enterprise\`); a country code no phone number is parsed
  into (\`"us"\`, \`"XX"\`), and the same in \`whatsapp.allowedCountries\` and \`voice.allowedCountries\` (\`"UK"\`
  for GB): every number would be refused \`country_not_allowed\`;
- \`aliases.userDomains\` with SMS countries and no \`userDomainSecret\` (Acceleronix SMS refuses every request
  with 5032);
- an \`sms.senderId\` (or an enterprise signature's), \`sms.originationNumber\` or \`sms.maxPrice\` SNS would refuse;
  an \`sms.maxPrice\` or \`voice.maxPricePerMinute\` of 0 (every text or call would be refused as too dear);
- Twilio \`accounts\` without \`services\` (every request 20404), or \`services\` without \`accounts\` (unreachable);
- loading into a deployment's table (\`--table\` without \`--endpoint\`), WhatsApp and call settings the account does
  not have in that region, read from AWS End User Messaging (infra/admin/provider-settings.ts): a
  \`voice.originationIdentity\` that is no phone number or pool of the account, cannot place calls (no \`VOICE\`)
  or is not \`ACTIVE\`, or is a sender ID; a \`voice.configurationSetName\` the account has no set of; a
  \`whatsapp.originationPhoneNumberId\` not linked there; a \`whatsapp.templates\` entry its WhatsApp Business
  Account has no template of (name and language), or whose template is not an \`AUTHENTICATION\` one or not
  \`APPROVED\` by Meta;
- a template placeholder that does not exist, or a \`text\`/\`html\` with neither \`{code}\` nor \`{link}\`.

A duplicate tenant id is refused as \`tenant id demo appears twice in <file> (tenants[0] and tenants[1])\`, and
any value (userDomain, clientId, host, API key hash, Twilio SID) claimed by two tenants by both names.

Not refused, because each is the seed's own answer to a state an operator sets on purpose: an enterprise SMS
signature, template or account switched off, owned by another tenant, or of another type (codes 5117–5216,
docs/dialects/acceleronix.md), and a Fresns template list that leaves a template out.
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(DOC, renderTenantsDoc());
  process.stdout.write(`wrote ${DOC}\n`);
}
