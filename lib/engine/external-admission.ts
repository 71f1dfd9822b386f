// Use case support: what a send under an external id (a dialect's own verification id, e.g. a Twilio sid)
// writes — the id kept beside the code and a lookup item holding the address sealed.
import { seal as sealText, unseal as unsealText } from '../crypto.ts';
import type { Channel, Purpose } from '../domain/vocabulary.ts';
import type { AddressRef, ExternalAdmission, ExternalView } from '../store/verification-store.ts';
import { attemptAddress } from './attempts.ts';

/** What a dialect asks of a send that carries its own id. */
export interface ExternalSend {
  /** The id to issue if no verification is pending for the address. */
  id: string;
  /** This send attempt's own id. */
  attemptId: string;
  /** The dialect's fields kept with the id (service and account sids), returned by {@link getByExternalId}. */
  fields: Record<string, string>;
  /**
   * Who the verification belongs to (Twilio: service and account). A send of another owner to an address
   * with a pending verification starts its own; a check for an owner sees only that owner's. Default ''.
   */
  owner?: string;
  /** What the dialect echoes for the verification (amount, payee, tags), stored with a new id. */
  extras?: Record<string, string>;
  /** Set by {@link sendCodeWithId}: the pending verification whose id this send keeps. */
  pending?: ExternalView;
  /**
   * Log this attempt (Twilio's Verification Attempts: engine/attempts.ts) under the owner `scope`, with what its
   * reader filters on, for `retentionSeconds`.
   */
  log?: {
    scope: string;
    channel: string;
    country: string | null;
    callingCode: string | null;
    retentionSeconds: number;
  };
}

// The lookup item holds the address sealed with AES-256-GCM under a key derived from the pepper and
// bound to the id, so a table dump shows no address while a check by id can still rebuild the code hash.
const SEAL_PURPOSE = 'external-address';

// The pending code, sealed the same way under its own key and bound to the id: a resend while pending
// delivers the same code (as Twilio does), yet a table dump shows none; only its keyed hash is compared.
const CODE_SEAL_PURPOSE = 'external-code';

/** Seals the code of a new id, for its resends. */
export const sealCode = (pepper: Buffer, id: string, code: string) =>
  sealText(pepper, CODE_SEAL_PURPOSE, id, code);

/** Opens a pending code sealed by {@link sealCode}; undefined when it does not open (or was never sealed). */
export function unsealCode(pepper: Buffer, id: string, sealed: string | undefined): string | undefined {
  if (sealed === undefined) return undefined;
  try {
    return unsealText(pepper, CODE_SEAL_PURPOSE, id, sealed);
  } catch {
    return undefined;
  }
}

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
  /** The code this send delivers: sealed for a new id; for a resend, the pending code opened again. */
  code: string;
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
    owner: external.owner ?? '',
    // A resend keeps the pending code only when it is delivering that code again.
    keepCode: pending !== undefined && unsealCode(pepper, pending.id, pending.sealedCode) === context.code,
    sealedCode: pending ? undefined : sealCode(pepper, external.id, context.code),
    extras: pending ? undefined : external.extras,
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
    log: external.log && {
      scope: external.log.scope,
      ttl: Math.ceil(now / 1000) + external.log.retentionSeconds,
      record: {
        id: external.attemptId,
        verificationId: pending?.id ?? external.id,
        fields: external.fields,
        channel: external.log.channel,
        country: external.log.country,
        callingCode: external.log.callingCode,
        ...attemptAddress(pepper, ref.tenantId, external.attemptId, deliverTo),
        converted: false,
        createdAt: now,
        updatedAt: now,
      },
    },
  };
}
