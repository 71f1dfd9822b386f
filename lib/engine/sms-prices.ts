// Use case data: what one text to a country costs, for the pumping guard's spend ceiling (engine/pumping-guard.ts).
// Only prices with a published source are listed; every other country costs UNLISTED_USD, a deliberately high
// guess, so the ceiling in dollars errs on the side of stopping sooner. A tenant's `sms.guard.pricesUsd` overrides
// both. The guess is also a cap: an enforcing guard publishes each text with SNS MaxPrice = its charge
// (engine/pumping-guard.ts smsMaxPrice), so a country dearer than its assumed price is not texted at all.

/** One cited price: USD per message part, and where it was read. */
export interface SmsPrice {
  usd: number;
  source: string;
  quote: string;
}

/** Outbound SMS prices per ISO 3166 country, from AWS End User Messaging's published pricing. */
export const SMS_PRICES: Readonly<Record<string, SmsPrice>> = {
  US: {
    usd: 0.00883,
    source: 'https://aws.amazon.com/end-user-messaging/pricing/',
    quote:
      'United States, outbound SMS: base price $0.00581 per message plus a carrier fee (about $0.00302 on a registered 10DLC number) — the figure infra/prices.ts snsSmsUs also uses',
  },
  JP: {
    usd: 0.07451,
    source:
      'https://aws.amazon.com/jp/end-user-messaging/pricing/ (as read on 2026-05-18 by https://dev.classmethod.jp/articles/aws-end-user-messaging-sms-japanese-message-parts-pricing/)',
    quote: 'Japan, All Networks: Transactional SMS $0.07451, Promotional SMS $0.07451 (per message part)',
  },
};

/**
 * The price assumed for a country the table does not list: above every price the table cites, so an unlisted
 * country reaches the ceiling in fewer messages rather than more. It is also SNS's MaxPrice for such a text (an
 * enforcing guard), so it is set above nearly every country's real price: in a 2019 copy of the SNS price table
 * (226 countries by carrier, github.com/WalterNyeko/batchpack-landing-page src/files/prices.js — a third party's
 * copy, used only to size this guess, not as a price) 35 countries had a carrier dearer than $0.10, 7 dearer than
 * $0.15 and none dearer than $0.23. Tenants texting such a country set its real price in `sms.guard.pricesUsd`.
 */
export const UNLISTED_USD = 0.15;

/** The price the spend ceiling charges for one text to `country`: the tenant's own figure, the table's, or the guess. */
export function smsPriceUsd(country: string, overrides: Readonly<Record<string, number>> = {}): number {
  return overrides[country] ?? SMS_PRICES[country]?.usd ?? UNLISTED_USD;
}
