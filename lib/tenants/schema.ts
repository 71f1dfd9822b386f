// Tenant configuration: the zod schema every tenants file and every stored tenant item is parsed with.
import * as z from 'zod';
import { LOCALES, PURPOSES } from '../domain/vocabulary.ts';

const window = (limit: number, seconds: number) =>
  z
    .strictObject({ limit: z.number().int().positive(), windowSeconds: z.number().int().positive() })
    .default({ limit, windowSeconds: seconds });

const templateOverride = z.strictObject({
  subject: z.string().min(1).optional(),
  text: z.string().min(1).optional(),
  html: z.string().min(1).optional(),
});

/** An http(s) URL without query or fragment: links are built by appending to it. */
const webUrl = z
  .url({ protocol: /^https?$/ })
  .refine((value) => !value.includes('?') && !value.includes('#'), 'must not carry a query or fragment');

/**
 * A browser origin (`https://app.example.com`, a port allowed): scheme and host only, lower-cased, so
 * it compares equal to what browsers send in `Origin`.
 */
const webOrigin = z
  .string()
  .regex(/^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/i, 'must be an origin like https://app.example.com (no path)')
  .transform((value) => new URL(value).origin);

/** A user account known to the tenant (for the dialects that ask whether an account exists). */
export const accountSchema = z.strictObject({
  id: z.string().min(1),
  email: z.string().email().optional(),
  /** E.164, e.g. +8613800138000 */
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/)
    .optional(),
});

/** Kinds of enterprise SMS signatures and templates; a signature and its template must be of one kind (5216). */
export const ENTERPRISE_SMS_TYPES = ['verification', 'notification', 'marketing'] as const;

/** An enterprise SMS account, signature or template: who owns it and whether it is switched on. */
const enterpriseItem = {
  id: z.string().min(1).max(64),
  /** The tenant id allowed to use it; any other tenant gets the "no permission" code. */
  owner: z.string().min(1),
  enabled: z.boolean().default(true),
};

/**
 * Enterprise SMS settings (seed 002): the SMS account, its signatures and templates, and which signature
 * and template this tenant's codes go out under. Only the shape is checked here; references, owners and
 * switches are judged per request so that each problem answers with the seed's own code.
 */
export const enterpriseSmsSchema = z.strictObject({
  signatureId: z.string().min(1).optional(),
  templateId: z.string().min(1).optional(),
  accounts: z.array(z.strictObject(enterpriseItem)).default([]),
  signatures: z
    .array(
      z.strictObject({
        ...enterpriseItem,
        accountId: z.string().min(1),
        type: z.enum(ENTERPRISE_SMS_TYPES),
        /** Shown as the SMS sender (SNS SenderID) instead of `sms.senderId`. */
        senderId: z.string().min(1).max(11).optional(),
      }),
    )
    .default([]),
  templates: z
    .array(
      z.strictObject({ ...enterpriseItem, accountId: z.string().min(1), type: z.enum(ENTERPRISE_SMS_TYPES) }),
    )
    .default([]),
});

export type EnterpriseSms = z.infer<typeof enterpriseSmsSchema>;

/** One tenant (app). Defaults are the service's defaults (docs/architecture.md). */
export const tenantSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  appName: z.string().min(1),
  disabled: z.boolean().default(false),
  defaultLocale: z.enum(LOCALES).default('en'),
  aliases: z
    .strictObject({
      /** Acceleronix userDomain values (seeds 000/002). */
      userDomains: z.array(z.string().min(1)).default([]),
      /** EIAM X-client-id values (seed 003). */
      clientIds: z.array(z.string().min(1)).default([]),
      /** Host names (seeds 001/004); the port is ignored. `*` makes this the fallback tenant. */
      hosts: z.array(z.string().min(1)).default([]),
    })
    .default({ userDomains: [], clientIds: [], hosts: [] }),
  /**
   * Browser origins whose pages may call this tenant's send and confirm endpoints. Empty (the default):
   * browser requests carrying any other `Origin`, or `Sec-Fetch-Site: cross-site`, are refused.
   */
  allowedOrigins: z.array(webOrigin).default([]),
  /** Native API keys, stored only as SHA-256 hex. */
  apiKeySha256: z.array(z.string().regex(/^[0-9a-f]{64}$/)).default([]),
  /** Seed 002 signature secret. */
  userDomainSecret: z.string().min(16).optional(),
  /** HS256 secret for Fresns session tokens (seed 001). */
  sessionTokenSecret: z.string().min(8).optional(),
  mail: z.strictObject({
    from: z.string().min(3),
    /**
     * Refused: every send names the stack's configuration set, the only one the functions are granted and whose
     * bounces and complaints reach the suppression list; a tenant's own set would be denied or bypass suppression.
     */
    configurationSet: z
      .undefined({
        error:
          "mail.configurationSet is not supported: every send uses the stack's SES configuration set (the one the functions may send with, whose bounces and complaints feed the suppression list); remove the field",
      })
      .optional(),
    /** Base URL for verification links (seed 004); the local runtime fills its own address when absent. */
    linkBaseUrl: webUrl.optional(),
    /** Where password-reset confirmations redirect (seed 004). */
    resetUrl: webUrl.optional(),
    /** How long a mailed verification link (and the reset grant it yields) stays valid (seed 004). */
    linkValiditySeconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(1800),
  }),
  sms: z
    .strictObject({
      senderId: z.string().min(1).max(11).optional(),
      originationNumber: z.string().optional(),
      allowedCountries: z.array(z.string().length(2)).default([]),
      dailyBudget: z.number().int().nonnegative().default(100),
      maxPrice: z.string().optional(),
      /** Seed 002's enterprise SMS settings; absent means the tenant's own sender settings apply. */
      enterprise: enterpriseSmsSchema.optional(),
    })
    .default({ allowedCountries: [], dailyBudget: 100 }),
  codes: z
    .strictObject({
      length: z.number().int().min(4).max(10).default(6),
      ttlSeconds: z
        .strictObject({
          email: z.number().int().positive().default(600),
          sms: z.number().int().positive().default(300),
        })
        .default({ email: 600, sms: 300 }),
      maxAttempts: z.number().int().min(1).max(20).default(5),
      /** Failed checks per (tenant, address) over a rolling window; re-sending does not reset it. */
      failureCap: window(20, 3600),
    })
    .default({
      length: 6,
      ttlSeconds: { email: 600, sms: 300 },
      maxAttempts: 5,
      failureCap: { limit: 20, windowSeconds: 3600 },
    }),
  limits: z
    .strictObject({
      cooldownSeconds: z.number().int().nonnegative().default(60),
      /** Rolling window per (tenant, address) across purposes. */
      perAddress: window(5, 600),
      perIp: window(30, 3600),
      perDevice: window(10, 3600),
    })
    .default({
      cooldownSeconds: 60,
      perAddress: { limit: 5, windowSeconds: 600 },
      perIp: { limit: 30, windowSeconds: 3600 },
      perDevice: { limit: 10, windowSeconds: 3600 },
    }),
  /** How the tenant's mail looks (lib/delivery/mail-layout.ts): every field optional, the words stay the templates'. */
  branding: z
    .strictObject({
      name: z
        .string()
        .trim()
        .min(1)
        .max(80)
        .optional()
        .describe(
          "The name at the top of the tenant's mail, beside or instead of the logo; defaults to appName.",
        ),
      logoUrl: z
        .url({ protocol: /^https$/, error: 'must be an https URL' })
        .max(2048)
        .optional()
        .describe(
          'An https URL of the logo image shown at the top of the mail (about 40 px high); its alt text is the name. Mail clients fetch it when the mail is opened.',
        ),
      accentColor: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1a73e8')
        .optional()
        .describe(
          "The accent colour (#rrggbb) of the mail's top bar and the code's frame; the text on it is black or white, whichever contrasts more.",
        ),
    })
    .optional()
    .describe(
      "The tenant's mail branding: name, logo and accent colour. Absent: the app name on a neutral layout.",
    ),
  /** Template overrides: locale → purpose → parts with `{app}`, `{code}`, `{minutes}`, `{link}` placeholders. */
  templates: z
    .partialRecord(z.enum(LOCALES), z.partialRecord(z.enum(PURPOSES), templateOverride))
    .default({}),
  accounts: z.array(accountSchema).default([]),
  /** EIAM slider captcha (seed 003): challenges one client IP may get per fixed window. */
  captcha: z.strictObject({ perIp: window(60, 600) }).default({ perIp: { limit: 60, windowSeconds: 600 } }),
  /** Fresns (seed 001): the templateIds (1–8) enabled per channel; a channel left out has all of them. */
  fresns: z
    .strictObject({
      templates: z
        .strictObject({
          email: z.array(z.number().int().min(1).max(8)).optional(),
          sms: z.array(z.number().int().min(1).max(8)).optional(),
        })
        .optional(),
    })
    .optional(),
  /** Twilio Verify v2 dialect: the accounts that may call it and the Verify services they address. */
  twilio: z
    .strictObject({
      accounts: z
        .array(
          z.strictObject({
            accountSid: z.string().regex(/^AC[0-9a-f]{32}$/),
            /** The auth token, stored only as SHA-256 hex (like API keys). */
            authTokenSha256: z.string().regex(/^[0-9a-f]{64}$/),
          }),
        )
        .default([]),
      services: z
        .array(
          z.strictObject({
            sid: z.string().regex(/^VA[0-9a-f]{32}$/),
            /** Shown in the message as the app's name, unless a request sets CustomFriendlyName. */
            friendlyName: z.string().min(1).max(30),
            codeLength: z.number().int().min(4).max(10).default(6),
            customCodeEnabled: z.boolean().default(false),
            defaultLocale: z.enum(LOCALES).optional(),
          }),
        )
        .default([]),
      /** How long a Twilio verification stays valid (Twilio's default: 10 minutes, both channels). */
      validitySeconds: z.number().int().min(60).max(86_400).default(600),
    })
    .optional(),
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
