// Deployment verifier, AWS mode: the WhatsApp feedback loop's one operator step. End User Messaging Social sends a
// WhatsApp Business Account's statuses to the one event destination the operator points it at; the stack creates
// the topic (output WhatsAppEventTopicArn), but a WABA still pointing elsewhere, or nowhere, means that numbers
// not on WhatsApp are never suppressed (docs/whatsapp-voice.md, Setting up WhatsApp on AWS, step 3). Read from
// ListLinkedWhatsAppBusinessAccounts, which lists each linked WABA with its event destinations: nothing is sent.
import {
  type LinkedWhatsAppBusinessAccountSummary,
  paginateListLinkedWhatsAppBusinessAccounts,
  type SocialMessagingClient,
} from '@aws-sdk/client-socialmessaging';
import type { StackFacts } from './aws-resources.ts';
import { type CheckResult, fail, pass, skip, warn } from './report.ts';

const CHECK = 'whatsapp-events';
const STEP =
  "docs/whatsapp-voice.md, Setting up WhatsApp on AWS, step 3: the WABA's Event destination, Amazon SNS";

/** Every WhatsApp Business Account linked in the client's region, page by page. */
async function linkedAccounts(
  social: SocialMessagingClient,
): Promise<LinkedWhatsAppBusinessAccountSummary[]> {
  const accounts: LinkedWhatsAppBusinessAccountSummary[] = [];
  for await (const page of paginateListLinkedWhatsAppBusinessAccounts({ client: social }, {}))
    accounts.push(...(page.linkedAccounts ?? []));
  return accounts;
}

/**
 * With WhatsApp deployed: every linked WABA sends its events to the stack's topic (PASS); none does (FAIL: the
 * loop is broken for whichever WABA the tenants send from); some do not (WARN, listing them: a WABA of another
 * application may rightly point elsewhere). No WABA linked at all: WARN (nothing can send WhatsApp yet).
 */
export async function checkWhatsAppEvents(
  social: SocialMessagingClient,
  stack: StackFacts,
): Promise<CheckResult> {
  const topic = stack.outputs.WhatsAppEventTopicArn;
  if (!topic)
    return skip(
      CHECK,
      'the stack offers no WhatsApp (deployed without -c channels=whatsapp): no event topic',
    );
  const accounts = await linkedAccounts(social);
  if (accounts.length === 0)
    return warn(
      CHECK,
      'no WhatsApp Business Account is linked in this region: every WhatsApp send fails until one is (docs/whatsapp-voice.md, Setting up WhatsApp on AWS, step 1)',
    );
  const elsewhere = accounts.filter(
    (account) => !(account.eventDestinations ?? []).some((to) => to.eventDestinationArn === topic),
  );
  const where = elsewhere.map((account) => {
    const destinations = (account.eventDestinations ?? []).map((to) => to.eventDestinationArn).join(', ');
    return `${account.id} (${account.wabaName ?? 'no name'}): ${destinations || 'no event destination'}`;
  });
  if (elsewhere.length === 0)
    return pass(
      CHECK,
      `${accounts.length} linked WhatsApp Business Account(s), each sending its events to the stack's WhatsAppEventTopicArn: numbers not on WhatsApp reach the suppression list`,
    );
  if (elsewhere.length === accounts.length)
    return fail(
      CHECK,
      `no linked WhatsApp Business Account sends its events to the stack's WhatsAppEventTopicArn, so a number not on WhatsApp is never suppressed and keeps being sent templates: point the event destination of the WABA your tenants send from at that topic (${STEP})`,
      where,
    );
  return warn(
    CHECK,
    `${elsewhere.length} of ${accounts.length} linked WhatsApp Business Accounts send their events elsewhere: if your tenants send from one of them, point it at WhatsAppEventTopicArn (${STEP})`,
    where,
  );
}
