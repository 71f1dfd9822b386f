// Twilio dialect: the delivery channels Codegate offers under Twilio's names — `sms`, `email`, `whatsapp`, and
// `call` (the engine's `voice`) — and the check by `To`, which finds a pending code on any phone channel.
import type { Channel } from '../../domain/vocabulary.ts';
import type { CheckCommand, Engine } from '../../engine/engine.ts';
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
