// Use case: verifications named by a dialect's own id (a Twilio Verify sid). The id stays the same across
// resends while the verification is pending, and leads back to it for fetch, check, cancel and approve.
// Sends stay one transaction: the id is written beside the code and its lookup item in the same write;
// only a resend to a pending verification costs a second try (the first is refused, naming the id).
import { NotFoundError } from '../domain/errors.ts';
import { CHANNELS, type Channel, PURPOSES, type Purpose } from '../domain/vocabulary.ts';
import { maskAddress } from '../mask.ts';
import {
  ExternalIdPendingError,
  type ExternalState,
  externalState,
  externalView,
} from '../store/external-ids.ts';
import type { AddressRef, ExternalView } from '../store/verification-store.ts';
import type { Tenant } from '../tenants/schema.ts';
import { type CheckCommand, type CheckResult, checkCodeNamed } from './check.ts';
import { type ExternalSend, unseal, unsealCode } from './external-admission.ts';
import { addressRef, normalize, spellingOf } from './keys.ts';
import type { EnginePorts, FullEnginePorts } from './ports.ts';
import { type SendCommand, type SendResult, sendCode } from './send.ts';

export type { ExternalSend } from './external-admission.ts';
export type { ExternalState, ExternalView };

/** A verification found by its external id. */
export interface ExternalVerification {
  id: string;
  channel: Channel;
  purpose: Purpose;
  /** The address, unsealed: the caller named the verification by an id only it was given. */
  to: string;
  fields: Record<string, string>;
  state: ExternalState;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  attempts: { id: string; at: number }[];
  /** What the dialect echoes (amount, payee, tags), as the first send stored it. */
  extras: Record<string, string>;
}

/**
 * Sends a code under an external id: a new id when nothing is pending for the address, else the
 * pending verification's id with one more attempt. Returns the id, when it was issued and every attempt.
 */
export async function sendCodeWithId(
  ports: EnginePorts,
  command: SendCommand & { external: ExternalSend },
): Promise<{ sent: SendResult; external: ExternalView }> {
  let pending: ExternalView | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      // A resend while pending delivers the pending code again (sealed beside its hash), as Twilio does.
      const code = pending
        ? (unsealCode(ports.pepper, pending.id, pending.sealedCode) ?? command.code)
        : command.code;
      const sent = await sendCode(ports, { ...command, code, external: { ...command.external, pending } });
      // The times the send stored (not the clock after delivery), so later reads answer the same.
      const tried = { id: command.external.attemptId, at: sent.issuedAt };
      const external: ExternalView = pending
        ? { ...pending, attempts: [...pending.attempts, tried], updatedAt: sent.issuedAt }
        : {
            id: command.external.id,
            createdAt: sent.issuedAt,
            attempts: [tried],
            updatedAt: sent.issuedAt,
            extras: command.external.extras,
          };
      return { sent, external };
    } catch (error) {
      // A refusal that names the pending id (or says ours ended meanwhile) is worth one more try each.
      if (!(error instanceof ExternalIdPendingError) || attempt >= 3) throw error;
      pending = error.pending;
    }
  }
}

/** Fields the id must have been issued with (e.g. the Twilio service in the path), else it is not found. */
export type ExternalScope = Readonly<Record<string, string>>;

async function resolve(ports: FullEnginePorts, tenant: Tenant, id: string, scope: ExternalScope = {}) {
  const lookup = await ports.store.getExternalLookup(tenant.id, id);
  const channel = CHANNELS.find((value) => value === lookup?.channel);
  const purpose = PURPOSES.find((value) => value === lookup?.purpose);
  if (!lookup || !channel || !purpose || typeof lookup.sealed !== 'string') throw new NotFoundError();
  const fields = (lookup.fields ?? {}) as Record<string, string>;
  if (Object.entries(scope).some(([name, value]) => fields[name] !== value)) throw new NotFoundError();
  const ref: AddressRef = { tenantId: tenant.id, channel, addrKey: String(lookup.addrKey) };
  return {
    ref,
    channel,
    purpose,
    to: unseal(ports.pepper, id, lookup.sealed),
    fields,
    createdAt: Number(lookup.createdAt ?? 0),
  };
}

/** A verification by its external id, with its current state; NotFoundError once another took its place. */
export async function getByExternalId(
  ports: FullEnginePorts,
  tenant: Tenant,
  id: string,
  scope?: ExternalScope,
): Promise<ExternalVerification> {
  const found = await resolve(ports, tenant, id, scope);
  const item = await ports.store.getAddressItem(found.ref);
  return describe(ports, tenant, id, found, item);
}

function describe(
  ports: FullEnginePorts,
  tenant: Tenant,
  id: string,
  found: Awaited<ReturnType<typeof resolve>>,
  item: Record<string, unknown> | undefined,
): ExternalVerification {
  const { purpose } = found;
  // The id is current while the item still carries it for the latest send of the purpose.
  if (!item || item[`t_${purpose}`] !== id || item[`tn_${purpose}`] !== item[`i_${purpose}`]) {
    throw new NotFoundError();
  }
  const attempts = (Array.isArray(item[`ta_${purpose}`]) ? item[`ta_${purpose}`] : []) as {
    a: string;
    t: number;
  }[];
  const tried = attempts.map((entry) => ({ id: String(entry.a), at: Number(entry.t) }));
  return {
    id,
    channel: found.channel,
    purpose,
    to: found.to,
    fields: found.fields,
    state: externalState(item, purpose, ports.clock.now(), tenant.codes.maxAttempts),
    createdAt: Number(item[`tc_${purpose}`] ?? found.createdAt),
    // Stored at every send and end, so it never goes back; items written before it fall back to the attempts.
    updatedAt: Number(item[`tu_${purpose}`] ?? Math.max(found.createdAt, ...tried.map((entry) => entry.at))),
    expiresAt: Number(item[`x_${purpose}`] ?? 0),
    attempts: tried,
    extras: externalView(item, purpose)?.extras ?? {},
  };
}

/** Checks a code against the verification with this external id only. */
export async function checkByExternalId(
  ports: FullEnginePorts,
  tenant: Tenant,
  id: string,
  code: string,
  scope?: ExternalScope,
  binding?: string,
): Promise<CheckResult & { external?: ExternalView; verification: { to: string; channel: Channel } }> {
  const found = await resolve(ports, tenant, id, scope);
  const command: CheckCommand = {
    tenant,
    channel: found.channel,
    to: found.to,
    purpose: found.purpose,
    code,
    externalId: id,
    binding,
  };
  const result = await checkCodeNamed(ports, command);
  return { ...result, verification: { to: found.to, channel: found.channel } };
}

/**
 * Ends a pending verification by its external id: `canceled` withdraws its code, `approved` consumes it
 * (for apps that verified the user themselves, e.g. with a custom code). NotFoundError unless pending.
 */
export async function endByExternalId(
  ports: FullEnginePorts,
  tenant: Tenant,
  id: string,
  to: 'canceled' | 'approved',
  scope?: ExternalScope,
): Promise<ExternalVerification> {
  const found = await resolve(ports, tenant, id, scope);
  const now = ports.clock.now();
  const item = await ports.store.endExternal(
    { address: found.ref, purpose: found.purpose, id, now, maxAttempts: tenant.codes.maxAttempts },
    to,
  );
  if (!item) throw new NotFoundError();
  ports.observe?.({
    type: 'verification_ended',
    tenant: tenant.id,
    channel: found.channel,
    purpose: found.purpose,
    to: maskAddress(found.channel, found.to),
    status: to,
  });
  return describe(ports, tenant, id, found, item);
}

/**
 * The external id of the verification pending for an address, when its owner is `owner` (Twilio accepts a
 * verification's `To` where its sid goes). NotFoundError when none is, or it is another owner's.
 */
export async function externalIdOf(
  ports: FullEnginePorts,
  tenant: Tenant,
  input: { channel: Channel; to: string; purpose: Purpose; owner: string },
): Promise<string> {
  let address: ReturnType<typeof normalize>;
  try {
    address = normalize(tenant, input.channel, input.to);
  } catch {
    throw new NotFoundError();
  }
  const ref = addressRef(ports.pepper, tenant, input.channel, address.mailbox);
  const item = await ports.store.getAddressItem(ref);
  const view = externalView(item, input.purpose);
  // Only the spelling it was sent to names it (another spelling of a mailbox may be another person's).
  const spelling = spellingOf(ports.pepper, tenant, input.channel, address);
  if (!view || view.owner !== input.owner || item?.[`e_${input.purpose}`] !== spelling)
    throw new NotFoundError();
  return view.id;
}
