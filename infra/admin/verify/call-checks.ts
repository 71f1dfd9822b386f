// Deployment verifier, AWS mode: the call loop, opt-in (`--call <your mobile> --call-from <identity>`). A Twilio
// create with Channel=call and a chosen code to the operator's own phone, the check that approves it, then, once
// the operator declines the call or lets it ring out, the suppression that the call's outcome event causes. AWS
// has no simulator for calls (the SMS simulator's numbers take texts only), so a real call is the one way to
// prove on a live stack that the voice events reach the delivery-feedback function carrying the number
// (`destinationPhoneNumber`) and the tenant (the call's Context).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { maskPhone } from '../../../lib/mask.ts';
import { type Suppression, SuppressionStore } from '../../../lib/store/suppressions.ts';
import { suppressionKey } from '../../../lib/suppression/key.ts';
import type { Tenant } from '../../../lib/tenants/schema.ts';
import { ADMIN_ACTIONS } from '../../admin-actions.ts';
import { type ProviderClients, providerProblems } from '../provider-settings.ts';
import { checkChosenCodeSend, type Protect, seconds, type Wait } from './api-checks.ts';
import type { ApiTarget } from './api-client.ts';
import type { StackFacts } from './aws-resources.ts';
import type { Cleanup } from './cleanup.ts';
import { type CheckResult, fail, pass, type Report, settle, skip, warn } from './report.ts';
import { type CallSettings, removeSuppression } from './temporary-tenant.ts';

/** The checks of the call loop, in the order they print. */
export const CALL_CHECKS = ['call-send', 'call-suppression'] as const;

/**
 * The logical id every stack deployed with `-c channels=voice` gives its call-outcome rule (the `VoiceFeedback`
 * rule of infra/messaging-feedback.ts under the `Feedback` construct; test/infra-feedback.test.ts holds them
 * together). Without it the functions place no calls and no outcome would be read.
 */
export const VOICE_RULE_PREFIX = 'FeedbackVoiceFeedback';

/** Whether the stack was deployed with calls. */
export const offersCalls = (stack: StackFacts) =>
  stack.resources.some(
    (resource) => resource.type === 'AWS::Events::Rule' && resource.logicalId.startsWith(VOICE_RULE_PREFIX),
  );

/**
 * A Twilio create with `Channel=call` and a chosen code (the verifier cannot hear the call), then the check
 * with that code. The call goes out as soon as the create answers.
 */
export function checkCallSend(target: ApiTarget, to: string, protect: Protect): Promise<CheckResult> {
  return checkChosenCodeSend(target, to, protect, {
    check: 'call-send',
    channel: 'call',
    refused:
      "20503 means SMS and Voice refused the call: is --call-from a voice-capable origination identity of this account and region, is the account out of the voice sandbox (or the number a verified destination), and is its voice spending limit left? The twilio-create-verification function's log names the error",
    proven: `Twilio create with Channel=call and a chosen code to ${maskPhone(to)} answered 201 (the call is placed) and the check approved it. The phone rings now: decline the call or let it ring out (voicemail off: a call voicemail takes is answered)`,
  });
}

/**
 * Waits for the suppression the unanswered (or declined) call causes: AWS's outcome event on the default bus,
 * the VoiceFeedback rule, the delivery-feedback function, the suppression item. The tenant it names is the
 * call's Context, read back from the event.
 */
export async function checkCallSuppression(
  read: () => Promise<Suppression | undefined>,
  masked: string,
  tenantId: string,
  wait: Wait,
): Promise<CheckResult> {
  const started = wait.clock.now();
  for (;;) {
    const entry = await read();
    const after = seconds(wait.clock.now() - started);
    if (entry?.source === 'sms-voice') {
      const proven = `${masked} was suppressed on voice (${entry.reason}) ${after} after the call was placed: its outcome event reached the delivery-feedback function with the number (destinationPhoneNumber)`;
      return entry.tenant === tenantId
        ? pass('call-suppression', `${proven} and the tenant (Context)`)
        : warn(
            'call-suppression',
            `${proven}, but not with the call's Context (the suppression names ${entry.tenant ? `tenant ${entry.tenant}` : 'no tenant'}): suppressions from calls will not say whose call failed`,
          );
    }
    if (entry)
      return fail(
        'call-suppression',
        `${masked} was suppressed on voice by ${entry.source} (${entry.reason}), not by the call's outcome, while the run waited — did someone run npm run suppressions meanwhile? Run again`,
      );
    if (wait.clock.now() - started >= wait.timeoutMs)
      return fail(
        'call-suppression',
        `${masked} was not suppressed within ${seconds(wait.timeoutMs)}. If the call was answered, by you or by voicemail, there is nothing to suppress: turn voicemail (and call forwarding) off, run again and decline it. Otherwise read the delivery-feedback function's log: "voice event dropped" with "… without destinationPhoneNumber" means AWS's call events do not carry the number (suppress such numbers by hand: docs/whatsapp-voice.md); no voice event at all: the VoiceFeedback rule on the default bus and the feedback dead-letter queue`,
      );
    await wait.clock.sleep(wait.pollMs);
  }
}

/** What the call loop needs from the run. */
export interface CallRun {
  /** The table's client, and End User Messaging's to read the `--call-from` identity before calling from it. */
  clients: ProviderClients & { db: DynamoDBDocumentClient };
  tableName: string;
  stack: StackFacts;
  target: ApiTarget;
  /** The temporary tenant, with its voice block (`--call-from`, the number's country). */
  tenant: Tenant;
  /** Reads the stack's pepper (once per run), or says why it cannot be read. */
  pepper: () => Promise<Buffer | Error>;
  wait: Wait;
  cleanup: Cleanup;
}

/**
 * Runs the call loop, or SKIPs it with the reason (no `--call`, no accepted credential, no pepper, the number
 * already suppressed). A suppression found before the call is left alone: the number is the operator's own, and
 * it may be there for a reason. The one the call causes is lifted at the end.
 */
export async function runCallChecks(
  report: Report,
  call: CallSettings | undefined,
  credentialPassed: boolean,
  run: CallRun,
): Promise<void> {
  const skipAll = (why: string) => {
    for (const check of CALL_CHECKS) report.add(skip(check, why));
  };
  if (!call)
    return skipAll(
      '--call <your mobile number> --call-from <origination identity> not given: the call loop places a real call (docs/verify-deployment.md)',
    );
  if (!credentialPassed) return skipAll('needs the temporary tenant the API accepts (see credential)');
  if (!offersCalls(run.stack)) {
    report.add(
      fail(
        'call-send',
        'the stack has no VoiceFeedback rule: it was deployed without -c channels=voice, so its functions place no calls — deploy with it, or run without --call',
      ),
    );
    report.add(skip('call-suppression', 'needs a placed call (see call-send)'));
    return;
  }
  const pepper = await run.pepper();
  if (pepper instanceof Error)
    return skipAll(
      `cannot read the pepper (${pepper.message}), so the run could neither see nor lift the suppression its call causes: grant the verifier secretsmanager:GetSecretValue on the stack's Pepper secret`,
    );
  const masked = maskPhone(call.to);
  const { db } = run.clients;
  const suppressions = new SuppressionStore(db, run.tableName);
  const read = () => suppressions.inEffect('voice', suppressionKey(pepper, 'voice', call.to), Date.now());
  const before = await read();
  if (before)
    return skipAll(
      `${masked} is already suppressed on voice (${before.reason}${before.until ? ` until ${new Date(before.until).toISOString()}` : ''}), so the call would be refused: lift it (npm run suppressions -- remove --channel voice) or wait, then run again`,
    );
  // The identity, read as tenants:load reads a tenant's: a call from one that cannot place it is never made.
  const caller = await settle('call-send', 'is AWS End User Messaging reachable from here?', async () => {
    const region = await run.clients.smsVoice.config.region();
    const problems = await providerProblems([run.tenant], run.clients, region, {
      command: 'verify:deployment --call (reading --call-from)',
      needs: ADMIN_ACTIONS.tenantsVoice,
    });
    return problems.length === 0
      ? pass('call-send', 'the identity can place calls')
      : fail(
          'call-send',
          `--call-from ${problems.map((problem) => problem.message).join('; ')} — no call was placed`,
        );
  });
  if (caller.status !== 'PASS') {
    report.add(caller);
    report.add(skip('call-suppression', 'needs a placed call (see call-send)'));
    return;
  }
  run.cleanup.add(`voice suppression of ${masked}`, () =>
    removeSuppression(db, run.tableName, pepper, call.to, 'voice'),
  );
  const sent = await report.run('call-send', 'is the API URL reachable from here?', () =>
    checkCallSend(run.target, call.to, report.protect.bind(report)),
  );
  if (sent.status !== 'PASS') {
    report.add(skip('call-suppression', 'needs a placed call (see call-send)'));
    return;
  }
  await report.run(
    'call-suppression',
    `the verifier reads the suppression item: it needs dynamodb:GetItem on ${run.tableName}`,
    () => checkCallSuppression(read, masked, run.tenant.id, run.wait),
  );
}
