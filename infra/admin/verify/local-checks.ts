// Deployment verifier, local mode: every check that has a stand-in in `npm start` (native API, outbox, mailbox
// simulator, `/_local/events`); the AWS-only checks are SKIPped with the reason.
import { randomHex } from '../../../lib/crypto.ts';
import { checkCredential, checkSendViaOutbox, checkSuppressionLoop, type Wait } from './api-checks.ts';
import { type ApiTarget, localEvents } from './api-client.ts';
import { checkLifecycleEvents } from './events-check.ts';
import { type Clock, type Report, skip } from './report.ts';

/** Where the local runtime is, which key to use, and how long to wait. */
export interface LocalOptions {
  /** The local runtime's address (`Codegate listening on …`). */
  baseUrl: string;
  /** A native API key of a tenant of that runtime (`demo-api-key` for the demo tenant). */
  apiKey: string;
  clock: Clock;
  /** How long the suppression loop waits for each address (the local simulator answers in ~0.1 s). */
  suppressionTimeoutMs: number;
  pollMs: number;
}

/** The AWS-only checks and why a local run cannot make them. */
export const AWS_ONLY: Readonly<Record<string, string>> = {
  stack: 'AWS only: the local runtime has no CloudFormation stack or outputs',
  pipe: 'AWS only: locally the table stream is polled in-process (lifecycle-events covers what it delivers)',
  'stage-throttles': 'AWS only: the local runtime applies no API Gateway stage throttles',
  'call-send':
    'AWS only (--call): the outbox takes calls, but no call outcome comes back locally — AWS has no call simulator to mirror',
  'call-suppression': 'AWS only (--call): needs a real call nobody answers',
  'alarm-topic': 'AWS only: no CloudWatch alarms or SNS topic locally',
  alarms: 'AWS only: no CloudWatch alarms locally',
  'whatsapp-events':
    'AWS only: the local runtime has no WhatsApp Business Account; its outbox takes WhatsApp codes',
  'alarm-metrics':
    'AWS only: the local runtime publishes no CloudWatch metrics (POWERTOOLS_METRICS_DISABLED)',
  cleanup:
    'local mode creates nothing (it uses an existing tenant; outbox and events stay until npm start stops)',
};

/** Runs the local checks in order, each line printed as it completes. */
export async function runLocalChecks(report: Report, options: LocalOptions): Promise<void> {
  const target: ApiTarget = { baseUrl: options.baseUrl, apiKey: options.apiKey };
  report.protect(options.apiKey);
  const wait = (timeoutMs: number): Wait => ({ clock: options.clock, timeoutMs, pollMs: options.pollMs });
  const unreachable = `is the local runtime running at ${options.baseUrl} (npm start prints its address)?`;

  const credential = await report.run('credential', unreachable, () =>
    checkCredential(
      target,
      wait(0),
      'the API key (--api-key)',
      'give a native API key of one of its tenants (demo-api-key for the demo tenant)',
    ),
  );
  if (credential.status !== 'PASS') {
    for (const check of ['send-check', 'suppression-bounce', 'suppression-complaint', 'lifecycle-events'])
      report.add(skip(check, 'needs an API key the local runtime accepts (see credential)'));
  } else {
    // A mailbox of its own per run: the tenant's cooldown counts the mailbox (+tags dropped), so reruns never
    // wait for it. Locally nothing is delivered anywhere; the outbox stands in for the inbox.
    const to = `verifier-${randomHex(4)}@example.com`;
    let verificationId: string | undefined;
    await report.run('send-check', unreachable, async () => {
      const sent = await checkSendViaOutbox(target, to, report.protect.bind(report));
      verificationId = sent.verificationId;
      return sent.result;
    });
    for (const kind of ['bounce', 'complaint'] as const)
      await report.run(`suppression-${kind}`, unreachable, () =>
        checkSuppressionLoop(target, kind, wait(options.suppressionTimeoutMs), 'skip'),
      );
    await report.run('lifecycle-events', unreachable, async () =>
      verificationId
        ? checkLifecycleEvents(
            () => localEvents(options.baseUrl),
            { verificationId },
            wait(30_000),
            '/_local/events',
          )
        : skip('lifecycle-events', 'needs the verification send-check made'),
    );
  }
  for (const [check, why] of Object.entries(AWS_ONLY)) report.add(skip(check, why));
}
