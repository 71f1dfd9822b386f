// Tenant schema: the SMS pumping guard's settings (engine/pumping-guard.ts), part of the `sms` block. Every
// field has a default; the guard applies to every phone channel (SMS, and WhatsApp and voice where set up).
import * as z from 'zod';

/** The safe list's entries: a number or a prefix, E.164 digits after a `+` (at least the country code and 1). */
const E164_PREFIX = /^\+[1-9]\d{2,14}$/;

export const guardSchema = z
  .strictObject({
    mode: z
      .enum(['enforce', 'monitor', 'off'])
      .default('enforce')
      .describe(
        '`enforce` blocks a number prefix whose codes are not entered (answers pumping_blocked, nothing is sent) and caps unverified spend; `monitor` records what it would block (the pumping_blocked event and metric) and blocks nothing; `off` counts nothing.',
      ),
    floor: z
      .number()
      .int()
      .min(2)
      .max(1000)
      .default(5)
      .describe(
        'Unverified sends a number prefix may have before its entry rate is judged (the small absolute floor; the engine raises it with the tenant’s verified traffic to the country).',
      ),
    safeList: z
      .array(z.string().regex(E164_PREFIX))
      .default([])
      .describe('Numbers and prefixes ("+4479111") the guard never blocks, like Twilio’s Safe List.'),
    unverifiedSpend: z
      .strictObject({
        baseUsd: z
          .number()
          .nonnegative()
          .default(5)
          .describe('USD of unverified texts the tenant may spend per UTC day before any code was entered.'),
        share: z
          .number()
          .min(0)
          .max(10)
          .default(0.5)
          .describe('The ceiling grows by this share of every entered code’s price.'),
      })
      .default({ baseUsd: 5, share: 0.5 })
      .describe(
        'The daily ceiling on unverified spend: baseUsd + share × the day’s verified spend; then sends answer budget_exhausted.',
      ),
    pricesUsd: z
      .record(z.string().length(2), z.number().positive())
      .default({})
      .describe(
        'USD per text part by country ("GB": 0.04), overriding the cited table (lib/engine/sms-prices.ts); a country in neither costs $0.15. With the guard enforcing, a text is published with SNS MaxPrice = this price × its parts: a text dearer than that is not delivered, so set the real price of every country dearer than $0.15.',
      ),
  })
  .describe(
    'The SMS pumping guard (docs/architecture.md, “The pumping guard”); absent, every default applies.',
  );

export type GuardSettings = z.infer<typeof guardSchema>;
