// Use case support: what a send under an external id (a dialect's own verification id, e.g. a Twilio sid)
// writes — the id kept beside the code and a lookup item holding the address sealed.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
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
const sealKey = (pepper: Buffer) => createHmac('sha256', pepper).update('seal|external-address').digest();

function seal(pepper: Buffer, id: string, address: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(pepper), iv).setAAD(Buffer.from(id));
  const body = Buffer.concat([cipher.update(address, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function unseal(pepper: Buffer, id: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', sealKey(pepper), raw.subarray(0, 12)).setAAD(
    Buffer.from(id),
  );
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
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
          sealed: seal(pepper, external.id, deliverTo),
          createdAt: now,
        },
    lookupTtl: Math.ceil(expiresAt / 1000) + 86_400,
  };
}
