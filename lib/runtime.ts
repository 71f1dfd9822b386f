// Composition root: wires the engine's ports once per container (cold start) and hands them to handlers.
import { type CaptchaService, createCaptchaService } from './captcha/service.ts';
import { type Config, readConfig } from './config.ts';
import { outbox } from './delivery/local-outbox.ts';
import { SesMailer } from './delivery/ses-mailer.ts';
import { SnsTexter } from './delivery/sns-texter.ts';
import type { Mailer, Texter, VoiceCaller, WhatsAppSender } from './delivery/types.ts';
import { SmsVoiceCaller } from './delivery/voice-caller.ts';
import { SocialWhatsAppSender } from './delivery/whatsapp-sender.ts';
import {
  createEngine,
  createSendEngine,
  type Engine,
  type EnginePorts,
  type SendEngine,
} from './engine/engine.ts';
import { logger } from './log.ts';
import { observe } from './observe.ts';
import { readPepper } from './pepper.ts';
import { CaptchaStore } from './store/captcha-store.ts';
import { createDocumentClient } from './store/client.ts';
import { SendStore } from './store/send-store.ts';
import { VerificationStore } from './store/verification-store.ts';
import { TenantRegistry } from './tenants/registry.ts';

export interface Runtime {
  config: Config;
  /**
   * The engine's ports but its store: each function's engine ({@link engineOf}, {@link sendEngineOf}) adds the
   * store it needs over `db`, so a function that only sends carries none of the other use cases' writes.
   */
  ports: Omit<EnginePorts, 'store'>;
  db: ReturnType<typeof createDocumentClient>;
  tenants: TenantRegistry;
  /** The EIAM slider captcha (challenges and pass tokens), on the engine's clock. */
  captcha: CaptchaService;
}

/** The local outbox, shared by the handlers and the local runtime's `/_local/outbox` route. */
export { outbox } from './delivery/local-outbox.ts';

/** The DynamoDB document client of this container (tests attach counting middleware to it). */
export let documentClient: ReturnType<typeof createDocumentClient> | undefined;

/*
 * Providers are loaded per function. The stack bundles each function with `process.env.CODEGATE_MAIL`,
 * `CODEGATE_SMS`, `CODEGATE_CAPTCHA` and `CODEGATE_CAPTCHA_IMAGES` defined from its route's `access`, so esbuild folds
 * these checks and drops the clients a function never uses (a status lookup carries no SES or SNS
 * client). Unset — the local runtime and the tests — everything is available. The SES and SNS clients
 * are imported statically: a dynamically imported module is bundled with every export of what it
 * imports (each client's aggregated class, all its commands, paginators and waiters — 50 KB more).
 */

/** Stands in for a provider this function was built without; the engine withdraws the code. */
function missing(what: string): Mailer & Texter {
  const refuse = async () => {
    throw new Error(`this function was built without ${what}`);
  };
  return { sendMail: refuse, sendSms: refuse };
}

async function mailerFor(config: Config): Promise<Mailer> {
  if (config.DELIVERY === 'outbox') return outbox;
  if (process.env.CODEGATE_MAIL !== 'false') return new SesMailer(undefined, config.SES_CONFIGURATION_SET);
  return missing('mail');
}

/**
 * Locally (outbox delivery), mail to SES's mailbox simulator addresses comes back as the bounce or complaint
 * SES would publish, through the same consumer the deployed `delivery-feedback` function runs.
 */
async function withMailboxSimulator(
  mailer: Mailer,
  config: Config,
  db: ReturnType<typeof createDocumentClient>,
  pepper: Buffer,
  clock: { now(): number },
): Promise<Mailer> {
  if (config.DELIVERY !== 'outbox') return mailer;
  // Bundles fix CODEGATE_MAIL at build time and always deliver through AWS: esbuild drops this block, and
  // with it the local stand-in and the full zod its SES notification parser loads, from every function.
  if (process.env.CODEGATE_MAIL === undefined) {
    const simulator = await import('./suppression/simulator.ts');
    const { consumeSesNotification } = await import('./suppression/consumer.ts');
    const { logFeedback } = await import('./suppression/runtime.ts');
    const { SuppressionStore } = await import('./store/suppressions.ts');
    const ports = { store: new SuppressionStore(db, config.TABLE_NAME), pepper, clock, log: logFeedback };
    return simulator.withMailboxSimulator(mailer, (event) => consumeSesNotification(ports, event), {
      onError: (error) => logger.error('mailbox simulator notification failed', { error }),
    });
  }
  return mailer;
}

async function texterFor(config: Config): Promise<Texter> {
  if (config.DELIVERY === 'outbox') return outbox;
  if (process.env.CODEGATE_SMS !== 'false') {
    return new SnsTexter();
  }
  return missing('SMS');
}

/** WhatsApp and voice senders, dropped from bundles whose route never uses them (`CODEGATE_WHATSAPP`, `CODEGATE_VOICE`). */
function callAndChatFor(config: Config): { whatsapp?: WhatsAppSender; voice?: VoiceCaller } {
  if (config.DELIVERY === 'outbox') return { whatsapp: outbox, voice: outbox };
  return {
    ...(process.env.CODEGATE_WHATSAPP !== 'false' ? { whatsapp: new SocialWhatsAppSender() } : {}),
    ...(process.env.CODEGATE_VOICE !== 'false' ? { voice: new SmsVoiceCaller() } : {}),
  };
}

/** Stands in for the captcha in a function built without it: no route of such a function calls it. */
const missingCaptcha = async (): Promise<never> => {
  throw new Error('this function was built without the captcha');
};

async function drawPuzzle() {
  if (process.env.CODEGATE_CAPTCHA_IMAGES !== 'false') {
    const puzzle = await import('./captcha/puzzle.ts');
    return puzzle.drawPuzzle();
  }
  throw new Error('this function was built without captcha images');
}

async function build(): Promise<Runtime> {
  const config = readConfig();
  const db = createDocumentClient(config.DYNAMODB_ENDPOINT);
  documentClient = db;
  const pepper = await readPepper(config);
  const clock = { now: () => Date.now() + clockOffsetMs };
  const ports = {
    mailer: await withMailboxSimulator(await mailerFor(config), config, db, pepper, clock),
    texter: await texterFor(config),
    ...callAndChatFor(config),
    clock,
    pepper,
    observe,
  };
  // Only the captcha and EIAM send routes are bundled with the captcha (`CODEGATE_CAPTCHA`, from their key families).
  const captcha =
    process.env.CODEGATE_CAPTCHA !== 'false'
      ? createCaptchaService({
          store: new CaptchaStore(db, config.TABLE_NAME),
          clock,
          pepper,
          draw: drawPuzzle,
          log: (message, facts) => logger.info(message, facts),
        })
      : { issue: missingCaptcha, verify: missingCaptcha, redeem: missingCaptcha, answerOf: missingCaptcha };
  const tenants = new TenantRegistry(db, config.TABLE_NAME).opening(pepper);
  return { config, ports, db, captcha, tenants };
}

const engines = new WeakMap<Runtime, Engine>();
const sendEngines = new WeakMap<Runtime, SendEngine>();

/** `build()` once per runtime (per container), then the same value. */
function oncePer<T>(built: WeakMap<Runtime, T>, runtime: Runtime, build: () => T): T {
  const found = built.get(runtime);
  if (found !== undefined) return found;
  const value = build();
  built.set(runtime, value);
  return value;
}

/** The whole engine over the whole store, built once per container: for the functions that check, confirm, look up. */
export function engineOf(runtime: Runtime): Engine {
  return oncePer(engines, runtime, () =>
    createEngine({ ...runtime.ports, store: new VerificationStore(runtime.db, runtime.config.TABLE_NAME) }),
  );
}

/** The send engine over the send path's store, built once per container: all that a function that only sends needs. */
export function sendEngineOf(runtime: Runtime): SendEngine {
  return oncePer(sendEngines, runtime, () =>
    createSendEngine({ ...runtime.ports, store: new SendStore(runtime.db, runtime.config.TABLE_NAME) }),
  );
}

let runtime: Promise<Runtime> | undefined;

/** The container's runtime, built on first use and reused by every later invocation. */
export function getRuntime(): Promise<Runtime> {
  runtime ??= build().catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  return runtime;
}

let clockOffsetMs = 0;

/** Test hook: moves the engine's clock (for windows and expiry) without waiting. Local runtime only. */
export function advanceClock(ms: number): void {
  clockOffsetMs += ms;
}

/** Test hook: the engine's clock as the local runtime sees it (after any `advanceClock`). */
export function localNow(): number {
  return Date.now() + clockOffsetMs;
}
