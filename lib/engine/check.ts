// Use case: checking a code — one conditional write decides, so a code verifies once and at most
// maxAttempts guesses are evaluated.
import { safeEqual } from '../crypto.ts';
import { DomainError } from '../domain/errors.ts';
import type { Channel, Purpose } from '../domain/vocabulary.ts';
import { maskAddress } from '../mask.ts';
import type { ExternalView } from '../store/verification-store.ts';
import type { Tenant } from '../tenants/schema.ts';
import { addressRef, codeHash, type NormalizedAddress, normalize, retentionSeconds } from './keys.ts';
import type { FullEnginePorts } from './ports.ts';
import { recordEntered } from './pumping-guard.ts';

export interface CheckCommand {
  tenant: Tenant;
  channel: Channel;
  to: string;
  purpose: Purpose;
  code: string;
  /** Check only the verification carrying this external id (a Twilio VerificationSid). */
  externalId?: string;
  /** Check only a verification of this owner (a Twilio service and account): see external-admission.ts. */
  externalOwner?: string;
  /** What the send bound to the code besides its digits (Twilio's Amount and Payee): must be the same. */
  binding?: string;
}

export type CheckStatus = 'approved' | 'pending' | 'expired' | 'max_attempts' | 'not_found' | 'already_used';

export interface CheckResult {
  valid: boolean;
  status: CheckStatus;
}

/**
 * The text whose keyed hash is stored for a code: its digits, plus what the send bound to it (e.g. a
 * payment's amount and payee), so a check that names anything else is a wrong guess like any other.
 */
export const boundCode = (code: string, binding: string | undefined) =>
  binding ? `${code}|${binding}` : code;

/** Checks a code: one conditional write decides, so it verifies once and at most maxAttempts are evaluated. */
export async function checkCode(ports: FullEnginePorts, command: CheckCommand): Promise<CheckResult> {
  const { valid, status } = await checkCodeNamed(ports, command);
  return { valid, status };
}

/** {@link checkCode}, also naming the external id (a Twilio sid) of the verification the code met. */
export async function checkCodeNamed(
  ports: FullEnginePorts,
  command: CheckCommand,
): Promise<CheckResult & { external?: ExternalView }> {
  const { store, clock, pepper } = ports;
  const { tenant, channel, purpose } = command;
  let address: NormalizedAddress;
  try {
    address = normalize(tenant, channel, command.to);
  } catch (error) {
    if (error instanceof DomainError) return { valid: false, status: 'not_found' };
    throw error;
  }
  const { key } = address;
  const code = command.code.trim();
  if (!/^\d{4,10}$/.test(code)) return { valid: false, status: 'pending' };
  const outcome = await store.consumeCode({
    // Attempts and the failure cap count the mailbox; the code matches only the spelling it was sent to.
    address: addressRef(pepper, tenant, channel, address.mailbox),
    purpose,
    codeHash: codeHash(pepper, tenant, channel, key, purpose, boundCode(code, command.binding)),
    now: clock.now(),
    maxAttempts: tenant.codes.maxAttempts,
    failureCap: tenant.codes.failureCap,
    retentionSeconds: retentionSeconds(tenant),
    matches: safeEqual,
    externalId: command.externalId,
    externalOwner: command.externalOwner,
  });
  const masked = maskAddress(channel, key);
  ports.observe?.({
    type: 'code_checked',
    tenant: tenant.id,
    channel,
    purpose,
    to: masked,
    outcome: outcome.outcome,
  });
  const { external } = outcome;
  if (outcome.outcome === 'approved') {
    // A phone code entered: the pumping guard's counts and the number's 90-day mark, one more write. The code is
    // already approved; a failed write only leaves the prefix one unverified send too many.
    if (channel !== 'email') {
      await recordEntered(
        ports,
        tenant,
        channel,
        key,
        addressRef(pepper, tenant, channel, address.mailbox),
        outcome.charged,
      ).catch(() => undefined);
    }
    return { valid: true, status: 'approved', external };
  }
  if (outcome.outcome === 'wrong') {
    return { valid: false, status: outcome.attemptsLeft > 0 ? 'pending' : 'max_attempts', external };
  }
  return { valid: false, status: outcome.status, external };
}
