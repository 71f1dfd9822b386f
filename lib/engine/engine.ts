// Use case: the one verification engine behind every front door (SPEC §3). Dialects build commands; the
// engine applies the rules and talks to its ports. Each use case lives beside this file.
import type { Channel, Purpose } from '../domain/vocabulary.ts';
import type { Tenant } from '../tenants/schema.ts';
import { type CheckCommand, checkCode } from './check.ts';
import { type ConfirmLinkCommand, confirmLink, type RedeemGrantCommand, redeemGrant } from './links.ts';
import type { EnginePorts } from './ports.ts';
import { type SendCommand, sendCode } from './send.ts';
import { findVerification, getVerification } from './status.ts';

export type { CheckCommand, CheckResult, CheckStatus } from './check.ts';
export type { Clock, EngineEvent, EnginePorts } from './ports.ts';
export type { SendCommand, SendResult } from './send.ts';
export type { VerificationStatus } from './status.ts';

/** Builds the engine over its ports. */
export function createEngine(ports: EnginePorts) {
  return {
    sendCode: (command: SendCommand) => sendCode(ports, command),
    checkCode: (command: CheckCommand) => checkCode(ports, command),
    confirmLink: (command: ConfirmLinkCommand) => confirmLink(ports, command),
    redeemGrant: (command: RedeemGrantCommand) => redeemGrant(ports, command),
    findVerification: (tenant: Tenant, channel: Channel, to: string, purpose: Purpose) =>
      findVerification(ports, tenant, channel, to, purpose),
    getVerification: (tenant: Tenant, id: string) => getVerification(ports, tenant, id),
  };
}

export type Engine = ReturnType<typeof createEngine>;
