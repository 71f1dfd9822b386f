// Use case plumbing: what the engine needs from the outside world, and what it reports.
import type { Mailer, Texter, VoiceCaller, WhatsAppSender } from '../delivery/types.ts';
import type { Channel, Purpose } from '../domain/vocabulary.ts';
import type { SendStore } from '../store/send-store.ts';
import type { VerificationStore } from '../store/verification-store.ts';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/**
 * What the engine needs from the outside world, wired once per container. The send use cases need the send
 * path's store only ({@link SendStore}); the others take {@link FullEnginePorts}.
 */
export interface EnginePorts {
  store: SendStore;
  mailer: Mailer;
  texter: Texter;
  /** WhatsApp and voice (absent: a send on that channel fails delivery and its code is withdrawn). */
  whatsapp?: WhatsAppSender;
  voice?: VoiceCaller;
  clock: Clock;
  /** Deployment secret for the keyed hashes. */
  pepper: Buffer;
  /** Told what happened, with masked, code-free facts only (logs and metrics listen here). */
  observe?: (event: EngineEvent) => void;
}

/** The ports with the whole store: checks, links, status, external ids and attempts, as well as sends. */
export type FullEnginePorts = EnginePorts & { store: VerificationStore };

/** What the engine reports. Addresses are masked; codes, tokens and secrets never appear. */
export type EngineEvent =
  | {
      type: 'code_sent';
      tenant: string;
      channel: Channel;
      purpose: Purpose;
      to: string;
      id: string;
      /** What the send costs as the pumping guard charges it, in USD (phone channels, guard on or off; engine/pumping-guard.ts). */
      spendUsd?: number;
    }
  | { type: 'delivery_failed'; tenant: string; channel: Channel; purpose: Purpose; to: string; cause: string }
  | {
      type: 'code_checked';
      tenant: string;
      channel: Channel;
      purpose: Purpose;
      to: string;
      outcome: 'approved' | 'wrong' | 'refused';
    }
  | { type: 'link_checked'; tenant: string; purpose: Purpose; to: string; confirmed: boolean }
  | { type: 'grant_redeemed'; tenant: string; purpose: Purpose; to: string; redeemed: boolean }
  | {
      /** A pending verification ended by its external id, not by a code (Twilio's status update). */
      type: 'verification_ended';
      tenant: string;
      channel: Channel;
      purpose: Purpose;
      to: string;
      status: 'canceled' | 'approved';
    }
  | {
      /** The pumping guard blocked a number prefix (`monitor`: would have; engine/pumping-guard.ts). */
      type: 'pumping_blocked';
      tenant: string;
      channel: Channel;
      country: string;
      /** The prefix with its last digits masked. */
      prefix: string;
      mode: 'enforce' | 'monitor';
      until: number;
      sends: number;
      unverified: number;
    };
