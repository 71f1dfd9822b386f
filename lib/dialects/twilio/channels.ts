// Twilio dialect: the delivery channels Codegate offers under Twilio's names — `sms`, `email`, `whatsapp`, and
// `call` (the engine's `voice`) — and the lookups by `To`, which find a pending verification on any phone channel.
import { NotFoundError } from '../../domain/errors.ts';
import type { Channel, Purpose } from '../../domain/vocabulary.ts';
import type { CheckCommand, Engine } from '../../engine/engine.ts';
import type { Tenant } from '../../tenants/schema.ts';
import { invalid } from './options.ts';

const BY_NAME: Readonly<Record<string, Channel>> = {
  sms: 'sms',
  email: 'email',
  whatsapp: 'whatsapp',
  call: 'voice',
};

/** The engine channel of a Twilio `Channel` value, or 60200 naming it. */
export function channelOfName(name: string): Channel {
  const channel = BY_NAME[name];
  if (!channel) throw invalid('Channel', 'must be sms, email, whatsapp or call');
  return channel;
}

/** The `channel` a Twilio resource shows: the engine's `voice` is Twilio's `call`. */
export const twilioChannel = (channel: Channel): string => (channel === 'voice' ? 'call' : channel);

/** The phone channels a check by `To` looks through, in this order: the first with a verification answers. */
const PHONE_CHANNELS: readonly Channel[] = ['sms', 'whatsapp', 'voice'];

/**
 * A VerificationCheck by `To`: Twilio finds the service's pending verification for that number whatever its
 * channel, so a phone number is tried on SMS, then WhatsApp, then voice, until one has a code (each try is
 * one conditional write; one that finds nothing counts no attempt). An email address has one channel.
 */
export async function checkByTo(
  engine: Engine,
  command: CheckCommand,
): Promise<{ result: Awaited<ReturnType<Engine['checkCodeNamed']>>; channel: Channel }> {
  const channels = command.channel === 'email' ? (['email'] as const) : PHONE_CHANNELS;
  let found = { result: await engine.checkCodeNamed(command), channel: command.channel };
  for (const channel of channels) {
    if (channel === command.channel) continue;
    if (found.result.status !== 'not_found') return found;
    found = { result: await engine.checkCodeNamed({ ...command, channel }), channel };
  }
  return found;
}

/**
 * The sid of the pending verification a fetch or update names by its `To`: an email address has one channel; a
 * phone number is looked up on SMS, then WhatsApp, then voice (one GetItem each), the first found answering.
 */
export async function sidByTo(
  engine: Engine,
  tenant: Tenant,
  input: { to: string; channel: Channel; purpose: Purpose; owner: string },
): Promise<string> {
  const channels = input.channel === 'email' ? (['email'] as const) : PHONE_CHANNELS;
  for (const channel of channels) {
    try {
      return await engine.externalIdOf(tenant, { ...input, channel });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  throw new NotFoundError();
}
