// The tenant schema's optional blocks for branding and for single dialects (EIAM captcha, Fresns, Twilio Verify),
// composed by lib/tenants/schema.ts.
import * as z from 'zod';
import { LOCALES } from '../domain/vocabulary.ts';
import { window } from './schema-blocks.ts';

/** How the tenant's mail looks (lib/delivery/mail-layout.ts): every field optional, the words stay the templates'. */
export const brandingSchema = z
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
  );

/**
 * EIAM slider captcha (seed 003): challenges one client IP may get per fixed window, and the failed answers it
 * may have in flight or on record per window before its verifies are refused (a pass gives its unit back).
 */
export const captchaSchema = z
  .strictObject({
    perIp: window(60, 600).describe('Captcha challenges per client IP per fixed window.'),
    failuresPerIp: window(10, 600).describe(
      'Captcha answers one client IP may have failed (or in flight) per fixed window; at the limit its verifies answer SDK.CAPTCHA.1004 until the window ends. A pass gives its unit back.',
    ),
  })
  .default({ perIp: { limit: 60, windowSeconds: 600 }, failuresPerIp: { limit: 10, windowSeconds: 600 } })
  .describe('EIAM slider captcha (seed 003).');

/** Fresns (seed 001): the templateIds (1–8) enabled per channel; a channel left out has all of them. */
export const fresnsSchema = z
  .strictObject({
    templates: z
      .strictObject({
        email: z
          .array(z.number().int().min(1).max(8))
          .optional()
          .describe('templateIds enabled for email (all when absent).'),
        sms: z
          .array(z.number().int().min(1).max(8))
          .optional()
          .describe('templateIds enabled for SMS (all when absent).'),
      })
      .optional()
      .describe('The templateIds (1–8) enabled per channel; a channel left out has all of them.'),
  })
  .optional()
  .describe('Fresns (seed 001) settings.');

/** Twilio Verify v2 dialect: the accounts that may call it and the Verify services they address. */
export const twilioSchema = z
  .strictObject({
    accounts: z
      .array(
        z.strictObject({
          accountSid: z
            .string()
            .regex(/^AC[0-9a-f]{32}$/)
            .describe('The account SID callers authenticate as (AC + 32 hex).'),
          /** The auth token, stored only as SHA-256 hex (like API keys). */
          authTokenSha256: z
            .string()
            .regex(/^[0-9a-f]{64}$/)
            .describe("SHA-256 (lowercase hex) of the account's auth token."),
        }),
      )
      .default([])
      .describe('Accounts that may call the Twilio Verify v2 API (Basic auth).'),
    services: z
      .array(
        z.strictObject({
          sid: z
            .string()
            .regex(/^VA[0-9a-f]{32}$/)
            .describe('The Verify service SID in request paths (VA + 32 hex).'),
          /** Shown in the message as the app's name, unless a request sets CustomFriendlyName. */
          friendlyName: z
            .string()
            .min(1)
            .max(30)
            .describe('Shown in the message as the app name, unless a request sets CustomFriendlyName.'),
          codeLength: z
            .number()
            .int()
            .min(4)
            .max(10)
            .default(6)
            .describe('Digits in a code of this service.'),
          customCodeEnabled: z
            .boolean()
            .default(false)
            .describe('Whether a request may bring its own code (CustomCode).'),
          defaultLocale: z.enum(LOCALES).optional().describe("The message language (else the tenant's)."),
        }),
      )
      .default([])
      .describe('Verify services of the tenant (any account of the tenant may address any of them).'),
    /** How long a Twilio verification stays valid (Twilio's default: 10 minutes, both channels). */
    validitySeconds: z
      .number()
      .int()
      .min(60)
      .max(86_400)
      .default(600)
      .describe('How long a Twilio verification stays valid.'),
  })
  .optional()
  .describe('Twilio Verify v2 dialect: the accounts that may call it and the services they address.');
