// Deployment verifier: the checks made through the API itself — credential, send and check, the suppression
// loop — shared by the local and the AWS mode (the wire is the same; only where the code comes from differs).
import { randomCode } from '../../../lib/crypto.ts';
import { maskEmail } from '../../../lib/mask.ts';
import {
  type ApiResponse,
  type ApiTarget,
  errorCode,
  field,
  nativeCheck,
  nativeFind,
  nativeSend,
  outboxCode,
  twilioCheck,
  twilioCreate,
  twilioFetch,
} from './api-client.ts';
import { type CheckResult, type Clock, fail, pass, skip } from './report.ts';

/** SES's mailbox simulator: delivered, bounced (permanent), complained. */
export const SIMULATOR = {
  success: 'success@simulator.amazonses.com',
  bounce: 'bounce@simulator.amazonses.com',
  complaint: 'complaint@simulator.amazonses.com',
} as const;

/** Registers a value the report must never print (a code), with what to print instead. */
export type Protect = (secret: string, shownAs?: string) => void;

/** Bounded waiting: how long in all, how long between tries, and the clock that measures both. */
export interface Wait {
  clock: Clock;
  timeoutMs: number;
  pollMs: number;
}

/** A wait, in whole seconds, for a check line. */
export const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** A Twilio sid nobody has: fetching it proves the credentials (20404) without creating anything. */
const UNKNOWN_SID = `VE${'0'.repeat(32)}`;

/**
 * The API accepts the credential. A fresh tenant item may not be visible at once, and a function that read
 * its alias before it was caches "unknown" for a minute, so a 401 is retried until `wait.timeoutMs`.
 */
export async function checkCredential(
  target: ApiTarget,
  wait: Wait,
  source: string,
  remedy: string,
): Promise<CheckResult> {
  const started = wait.clock.now();
  let native: ApiResponse;
  let twilio: ApiResponse | undefined;
  for (;;) {
    native = await nativeFind(target, SIMULATOR.success, 'login');
    twilio = target.twilio ? await twilioFetch(target, UNKNOWN_SID) : undefined;
    const refused = native.status === 401 || twilio?.status === 401;
    if (!refused || wait.clock.now() - started >= wait.timeoutMs) break;
    await wait.clock.sleep(wait.pollMs);
  }
  const answers = `GET /v1/verifications answered ${native.status}${twilio ? `, Twilio fetch ${twilio.status}` : ''}`;
  if (native.status === 401 || twilio?.status === 401)
    return fail(
      'credential',
      `${source} was refused (${answers}) after ${seconds(wait.clock.now() - started)}: ${remedy}`,
    );
  if (native.status >= 500 || (twilio && twilio.status >= 500))
    return fail(
      'credential',
      `${answers}: the API is failing — see the function logs and the stack's alarms`,
    );
  return pass('credential', `${source} accepted (${answers})`);
}

/**
 * Local mode: a native send, the code read from the local outbox (the stand-in for the user's inbox), a
 * native check that approves. Returns the verification id for the lifecycle-events check.
 */
export async function checkSendViaOutbox(
  target: ApiTarget,
  to: string,
  protect: Protect,
): Promise<{ result: CheckResult; verificationId?: string }> {
  protect(to, maskEmail(to));
  const sent = await nativeSend(target, to, 'login');
  if (sent.status !== 201)
    return {
      result: fail(
        'send-check',
        `POST /v1/verifications answered ${errorCode(sent)}, not 201 — see the local runtime's console`,
      ),
    };
  const verificationId = field(sent.body, 'id');
  const code = await outboxCode(target.baseUrl, to);
  if (!code)
    return { result: fail('send-check', 'the send answered 201 but the outbox holds no code for it') };
  protect(code);
  const checked = await nativeCheck(target, to, 'login', code);
  if (checked.status !== 200 || field(checked.body, 'status') !== 'approved')
    return {
      result: fail(
        'send-check',
        `the check answered ${errorCode(checked)} status "${field(checked.body, 'status')}", not approved`,
      ),
    };
  return {
    result: pass(
      'send-check',
      `native send to ${maskEmail(to)} (201 pending), code from the outbox, check approved`,
    ),
    verificationId,
  };
}

/** One create-with-a-chosen-code check: its name, the Twilio channel, and what its lines say. */
export interface ChosenCodeSend {
  check: string;
  channel: 'email' | 'call';
  /** What a create answering anything but 201 most likely means, and where to look. */
  refused: string;
  /** What a create answering 201 and an approving check prove. */
  proven: string;
}

/**
 * The verifier cannot read a mailbox or hear a call, so it chooses the code: a Twilio create with `CustomCode`
 * (the temporary tenant's service allows it) on the send's channel, then a check with it, which must approve.
 */
export async function checkChosenCodeSend(
  target: ApiTarget,
  to: string,
  protect: Protect,
  send: ChosenCodeSend,
): Promise<CheckResult> {
  const code = randomCode(6);
  protect(code);
  const created = await twilioCreate(target, to, code, send.channel);
  if (created.status !== 201)
    return fail(send.check, `Twilio create answered ${errorCode(created)}, not 201 — ${send.refused}`);
  if (field(created.body, 'channel') !== send.channel)
    return fail(
      send.check,
      `Twilio create answered 201 with channel "${field(created.body, 'channel')}", not "${send.channel}": a code may have gone out on that channel — see the twilio-create-verification function's log`,
    );
  const checked = await twilioCheck(target, to, code);
  if (checked.status !== 200 || field(checked.body, 'status') !== 'approved')
    return fail(
      send.check,
      `the check answered ${errorCode(checked)} status "${field(checked.body, 'status')}", not approved — see the twilio-check-verification function's log`,
    );
  return pass(send.check, send.proven);
}

/** AWS mode: a chosen code mailed through SES to the simulator, then checked. */
export function checkSendWithCustomCode(
  target: ApiTarget,
  to: string,
  protect: Protect,
): Promise<CheckResult> {
  protect(to, maskEmail(to));
  return checkChosenCodeSend(target, to, protect, {
    check: 'send-check',
    channel: 'email',
    refused:
      "20503 means SES refused the mail: is --from on a verified SES identity named in the stack's sesIdentity context (the send functions may only send as those), and is the configuration set intact?",
    proven: `Twilio create with a chosen code to ${maskEmail(to)} went out through SES (201 pending); the check approved it`,
  });
}

/** What to do when a send finds the simulator address already suppressed before the loop started. */
export type AlreadySuppressed = 'skip' | 'fail';

/**
 * The suppression loop for one simulator address: a send SES answers with a bounce or complaint, then sends
 * until one answers "suppressed" (422 address_suppressed). Suppression outranks the cooldown, so the polls
 * in between mostly answer 429 and cost no mail.
 */
export async function checkSuppressionLoop(
  target: ApiTarget,
  kind: 'bounce' | 'complaint',
  wait: Wait,
  already: AlreadySuppressed,
): Promise<CheckResult> {
  const check = `suppression-${kind}`;
  const to = SIMULATOR[kind];
  const first = await nativeSend(target, to, 'login');
  if (first.status === 422) {
    const why = `${maskEmail(to)} was already suppressed before this run`;
    return already === 'skip'
      ? skip(
          check,
          `${why} (an earlier run against this npm start; the local list lives until it stops): restart npm start to prove the loop again`,
        )
      : fail(
          check,
          `${why}, although the verifier removed its suppression first — is another run in progress?`,
        );
  }
  if (first.status !== 201)
    return fail(
      check,
      `the first send to ${maskEmail(to)} answered ${errorCode(first)}, not 201 — see the native-send function's log`,
    );
  const started = wait.clock.now();
  while (wait.clock.now() - started < wait.timeoutMs) {
    await wait.clock.sleep(wait.pollMs);
    const next = await nativeSend(target, to, 'login');
    if (next.status === 422)
      return pass(
        check,
        `${maskEmail(to)} answered "suppressed" ${seconds(wait.clock.now() - started)} after the first send`,
      );
    if (next.status !== 201 && next.status !== 429)
      return fail(
        check,
        `a send to ${maskEmail(to)} answered ${errorCode(next)} while waiting for the suppression`,
      );
  }
  return fail(
    check,
    `${maskEmail(to)} was not suppressed within ${seconds(wait.timeoutMs)}: look at the delivery-feedback function's log and errors, the SesFeedback rule on the default bus, the configuration set's event destination, and the feedback dead-letter queue`,
  );
}
