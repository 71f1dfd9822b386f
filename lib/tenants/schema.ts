// Tenant configuration: the zod schema every tenants file and every stored tenant item is parsed with.
import * as z from 'zod';
import { LOCALES, PURPOSES } from '../domain/vocabulary.ts';
import {
  accountSchema,
  codesSchema,
  limitsSchema,
  mailSchema,
  smsSchema,
  templateOverride,
  webOrigin,
} from './schema-blocks.ts';
import { voiceSchema, whatsappSchema } from './schema-channels.ts';
import { brandingSchema, captchaSchema, fresnsSchema, twilioSchema } from './schema-dialects.ts';

export {
  accountSchema,
  ENTERPRISE_SMS_TYPES,
  type EnterpriseSms,
  enterpriseSmsSchema,
} from './schema-blocks.ts';

/** One tenant (app). Defaults are the service's defaults (docs/architecture.md). */
export const tenantSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .describe(
      'The tenant id: lower-case letters, digits and hyphens, unique in the file; logs and events name it.',
    ),
  appName: z.string().min(1).describe('The app name messages show (`{app}` in templates).'),
  disabled: z
    .boolean()
    .default(false)
    .describe("Switched off: every alias answers the dialect's disabled or unknown-tenant code."),
  defaultLocale: z
    .enum(LOCALES)
    .default('en')
    .describe('The message language when a request names none the tenant has.'),
  aliases: z
    .strictObject({
      /** Acceleronix userDomain values (seeds 000/002). */
      userDomains: z
        .array(z.string().min(1))
        .default([])
        .describe('Acceleronix `userDomain` values (seeds 000 email and 002 SMS).'),
      /** EIAM X-client-id values (seed 003). */
      clientIds: z.array(z.string().min(1)).default([]).describe('EIAM `X-client-id` values (seed 003).'),
      /** Host names (seeds 001/004); the port is ignored. `*` makes this the fallback tenant. */
      hosts: z
        .array(z.string().min(1))
        .default([])
        .describe(
          'Host names (Fresns, seed 001; AnqiCMS, seed 004), the port ignored; `*` makes this the fallback tenant. A host alias needs `mail.linkBaseUrl`.',
        ),
    })
    .default({ userDomains: [], clientIds: [], hosts: [] })
    .describe('How each dialect finds the tenant; every value is unique across tenants.'),
  /**
   * Browser origins whose pages may call this tenant's send and confirm endpoints. Empty (the default):
   * browser requests carrying any other `Origin`, or `Sec-Fetch-Site: cross-site`, are refused.
   */
  allowedOrigins: z
    .array(webOrigin)
    .default([])
    .describe(
      "Browser origins (https://app.example.com) whose pages may call the tenant's send and confirm endpoints; empty refuses every cross-site browser request.",
    ),
  /** Native API keys, stored only as SHA-256 hex. */
  apiKeySha256: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .default([])
    .describe('Native API keys, each as the SHA-256 (lowercase hex) of the key; never the key itself.'),
  /** Seed 002 signature secret. */
  userDomainSecret: z
    .string()
    .min(16)
    .optional()
    .describe(
      'Signing secret of Acceleronix SMS (seed 002) requests; without it every signed request is refused. Secret, stored sealed.',
    ),
  /** HS256 secret for Fresns session tokens (seed 001). */
  sessionTokenSecret: z
    .string()
    .min(8)
    .optional()
    .describe('HS256 secret of Fresns session tokens (seed 001 logged-in sends). Secret, stored sealed.'),
  mail: mailSchema,
  sms: smsSchema,
  /** WhatsApp and voice (lib/tenants/schema-channels.ts): absent, the tenant does not offer the channel. */
  whatsapp: whatsappSchema.optional(),
  voice: voiceSchema.optional(),
  codes: codesSchema,
  limits: limitsSchema,
  /** How the tenant's mail looks (lib/delivery/mail-layout.ts): every field optional, the words stay the templates'. */
  branding: brandingSchema,
  /** Template overrides: locale → purpose → parts with `{app}`, `{code}`, `{minutes}`, `{link}` placeholders. */
  templates: z
    .partialRecord(z.enum(LOCALES), z.partialRecord(z.enum(PURPOSES), templateOverride))
    .default({})
    .describe(
      'Message overrides: locale → purpose → `subject`, `text`, `html`, with the placeholders `{app}`, `{action}`, `{code}`, `{minutes}`, `{link}`.',
    ),
  accounts: z
    .array(accountSchema)
    .default([])
    .describe('Accounts the app has, for the dialects that ask whether one exists. Stored sealed.'),
  /** EIAM slider captcha (seed 003): challenges one client IP may get per fixed window. */
  captcha: captchaSchema,
  /** Fresns (seed 001): the templateIds (1–8) enabled per channel; a channel left out has all of them. */
  fresns: fresnsSchema,
  /** Twilio Verify v2 dialect: the accounts that may call it and the Verify services they address. */
  twilio: twilioSchema,
});

export type Tenant = z.infer<typeof tenantSchema>;
export type TenantInput = z.input<typeof tenantSchema>;
export type Account = z.infer<typeof accountSchema>;

export const tenantsFileSchema = z
  .strictObject({ tenants: z.array(tenantSchema).min(1) })
  .superRefine((file, ctx) => {
    const seen = new Map<string, string>();
    for (const tenant of file.tenants) {
      const keys = [
        `id:${tenant.id}`,
        ...tenant.aliases.userDomains.map((a) => `userDomain:${a}`),
        ...tenant.aliases.clientIds.map((a) => `clientId:${a}`),
        ...tenant.aliases.hosts.map((a) => `host:${a.toLowerCase()}`),
        ...tenant.apiKeySha256.map((a) => `apiKey:${a}`),
        ...(tenant.twilio?.accounts ?? []).map((a) => `twilioAccount:${a.accountSid}`),
        ...(tenant.twilio?.services ?? []).map((a) => `twilioService:${a.sid}`),
      ];
      for (const key of keys) {
        const owner = seen.get(key);
        if (owner)
          ctx.addIssue({ code: 'custom', message: `${key} belongs to both ${owner} and ${tenant.id}` });
        seen.set(key, tenant.id);
      }
    }
  });

export type TenantsFile = z.infer<typeof tenantsFileSchema>;
