// Use case support: what a send under an external id (a dialect's own verification id, e.g. a Twilio sid)
// writes — the id kept beside the code and a lookup item holding the address sealed.
import { seal as sealText, unseal as unsealText } from '../crypto.ts';
import type { Channel, Purpose } from '../domain/vocabulary.ts';
import type { AddressRef, ExternalAdmission, ExternalView } from '../store/verification-store.ts';

/** What a dialect asks of a send that carries its own id. */
export interface ExternalSend {
  /** The id to issue if no verification is pending for the address. */
  id: string;
  /** This send attempt's own id. */
  attemptId: string;
  /** The dialect's fields kept with the id (service and account sids), returned by {@link getByExternalId}. */
  fields: Record<string, string>;
  /** Set by {@link sendCodeWithId}: the pending verification whose id this send keeps. */
  pending?: ExternalView;
}

// The lookup item holds the address sealed with AES-256-GCM under a key derived from the pepper and
// bound to the id, so a table dump shows no address while a check by id can still rebuild the code hash.
const SEAL_PURPOSE = 'external-address';

/** Opens the address a lookup item holds for `id`. */
export function unseal(pepper: Buffer, id: string, sealed: string): string {
  return unsealText(pepper, SEAL_PURPOSE, id, sealed);
}

/** Where and when a send under an external id goes (what {@link externalAdmission} needs of it). */
export interface ExternalSendContext {
  pepper: Buffer;
  channel: Channel;
  purpose: Purpose;
  maxAttempts: number;
  ref: AddressRef;
  deliverTo: string;
  now: number;
  expiresAt: number;
}

/** What the send transaction writes for the external id (called by `sendCode`). */
export function externalAdmission(external: ExternalSend, context: ExternalSendContext): ExternalAdmission {
  const { pepper, channel, purpose, ref, deliverTo, now, expiresAt } = context;
  const pending = external.pending;
  return {
    id: pending?.id ?? external.id,
    reuse: pending !== undefined,
    attempt: { id: external.attemptId, at: now },
    createdAt: now,
    maxAttempts: context.maxAttempts,
    lookup: pending
      ? undefined
      : {
          addrKey: ref.addrKey,
          channel,
          purpose,
          fields: external.fields,
          sealed: sealText(pepper, SEAL_PURPOSE, external.id, deliverTo),
          createdAt: now,
        },
    lookupTtl: Math.ceil(expiresAt / 1000) + 86_400,
  };
}
