// Use case: the one verification engine behind every front door. Dialects build commands; the
// engine applies the rules and talks to its ports. Each use case lives beside this file.
import type { Channel, Purpose } from '../domain/vocabulary.ts';
import type { Tenant } from '../tenants/schema.ts';
import { type AttemptQuery, countAttempts, getAttempt, listAttempts, markConverted } from './attempts.ts';
import { type CheckCommand, checkCode, checkCodeNamed } from './check.ts';
import {
  checkByExternalId,
  type ExternalScope,
  type ExternalSend,
  endByExternalId,
  externalIdOf,
  getByExternalId,
  sendCodeWithId,
} from './external.ts';
import { type ConfirmLinkCommand, confirmLink, type RedeemGrantCommand, redeemGrant } from './links.ts';
import type { EnginePorts, FullEnginePorts } from './ports.ts';
import { chargeAccountAnswer, type SendCommand, sendCode, spendReplayKey } from './send.ts';
import { findVerification, getVerification } from './status.ts';

export type { Attempt, AttemptQuery } from './attempts.ts';
export type { CheckCommand, CheckResult, CheckStatus } from './check.ts';
export type { ExternalSend, ExternalState, ExternalVerification, ExternalView } from './external.ts';
export type { Clock, EngineEvent, EnginePorts, FullEnginePorts } from './ports.ts';
export type { SendCommand, SendResult } from './send.ts';
export type { VerificationStatus } from './status.ts';

/**
 * The send use cases over the send path's store: all that a function whose route only sends carries
 * (lib/http/endpoint.ts `sendingEndpoint`; the rest of the engine and of the store stays out of its bundle).
 */
export function createSendEngine(ports: EnginePorts) {
  return {
    sendCode: (command: SendCommand) => sendCode(ports, command),
    chargeAccountAnswer: (tenant: Tenant, clientIp: string | undefined) =>
      chargeAccountAnswer(ports, tenant, clientIp),
    spendReplayKey: (replayKey: { key: string; until: number }) => spendReplayKey(ports, replayKey),
    // A send under a dialect's own id (a Twilio sid): see external.ts.
    sendCodeWithId: (command: SendCommand & { external: ExternalSend }) => sendCodeWithId(ports, command),
  };
}

/** Builds the whole engine over its ports: the send engine and every other use case. */
export function createEngine(ports: FullEnginePorts) {
  return {
    ...createSendEngine(ports),
    checkCode: (command: CheckCommand) => checkCode(ports, command),
    confirmLink: (command: ConfirmLinkCommand) => confirmLink(ports, command),
    redeemGrant: (command: RedeemGrantCommand) => redeemGrant(ports, command),
    findVerification: (tenant: Tenant, channel: Channel, to: string, purpose: Purpose) =>
      findVerification(ports, tenant, channel, to, purpose),
    getVerification: (tenant: Tenant, id: string) => getVerification(ports, tenant, id),
    // Verifications named by a dialect's own id (Twilio sids): see external.ts.
    checkCodeNamed: (command: CheckCommand) => checkCodeNamed(ports, command),
    getByExternalId: (tenant: Tenant, id: string, scope?: ExternalScope) =>
      getByExternalId(ports, tenant, id, scope),
    checkByExternalId: (tenant: Tenant, id: string, code: string, scope?: ExternalScope, binding?: string) =>
      checkByExternalId(ports, tenant, id, code, scope, binding),
    externalIdOf: (
      tenant: Tenant,
      input: { channel: Channel; to: string; purpose: Purpose; owner: string },
    ) => externalIdOf(ports, tenant, input),
    endByExternalId: (tenant: Tenant, id: string, to: 'canceled' | 'approved', scope?: ExternalScope) =>
      endByExternalId(ports, tenant, id, to, scope),
    // The attempt log of verifications with external ids (Twilio's Verification Attempts): see attempts.ts.
    listAttempts: (
      tenant: Tenant,
      scope: string,
      query: AttemptQuery,
      page: { size: number; after?: string },
    ) => listAttempts(ports, tenant, scope, query, page),
    getAttempt: (tenant: Tenant, scope: string, id: string) => getAttempt(ports, tenant, scope, id),
    countAttempts: (tenant: Tenant, scope: string, query: AttemptQuery) =>
      countAttempts(ports, tenant, scope, query),
    markConverted: (tenant: Tenant, scope: string, attemptIds: string[]) =>
      markConverted(ports, tenant, scope, attemptIds),
  };
}

export type Engine = ReturnType<typeof createEngine>;
export type SendEngine = ReturnType<typeof createSendEngine>;
