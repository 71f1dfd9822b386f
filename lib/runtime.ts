// Composition root: wires the engine's ports once per container (cold start) and hands them to handlers.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type CaptchaService, createCaptchaService } from './captcha/service.ts';
import { type Config, readConfig } from './config.ts';
import { Outbox } from './delivery/outbox.ts';
import { SesMailer } from './delivery/ses-mailer.ts';
import { SnsTexter } from './delivery/sns-texter.ts';
import { createEngine, type Engine } from './engine/engine.ts';
import { logger } from './log.ts';
import { observe } from './observe.ts';
import { CaptchaStore } from './store/captcha-store.ts';
import { createDocumentClient } from './store/client.ts';
import { VerificationStore } from './store/verification-store.ts';
import { TenantRegistry } from './tenants/registry.ts';

export interface Runtime {
  config: Config;
  engine: Engine;
  tenants: TenantRegistry;
  store: VerificationStore;
  /** The EIAM slider captcha (challenges and pass tokens), on the engine's clock. */
  captcha: CaptchaService;
}

/** The local outbox, shared by the handlers and the local runtime's `/_local/outbox` route. */
export const outbox = new Outbox((line) => {
  if (process.env.OUTBOX_PRINT !== '0') process.stdout.write(`${line}\n`);
});

/** The DynamoDB document client of this container (tests attach counting middleware to it). */
export let documentClient: ReturnType<typeof createDocumentClient> | undefined;

async function readPepper(config: Config): Promise<Buffer> {
  if (config.PEPPER) return Buffer.from(config.PEPPER, 'utf8');
  const secrets = new SecretsManagerClient({});
  const { SecretString } = await secrets.send(
    new GetSecretValueCommand({ SecretId: config.PEPPER_SECRET_ARN }),
  );
  if (!SecretString || SecretString.length < 32)
    throw new Error('the pepper secret is missing or shorter than 32 chars');
  return Buffer.from(SecretString, 'utf8');
}

async function build(): Promise<Runtime> {
  const config = readConfig();
  const db = createDocumentClient(config.DYNAMODB_ENDPOINT);
  documentClient = db;
  const store = new VerificationStore(db, config.TABLE_NAME);
  const local = config.DELIVERY === 'outbox';
  const pepper = await readPepper(config);
  const engine = createEngine({
    store,
    mailer: local ? outbox : new SesMailer(undefined, config.SES_CONFIGURATION_SET),
    texter: local ? outbox : new SnsTexter(),
    clock: { now: () => Date.now() + clockOffsetMs },
    pepper,
    observe,
  });
  const captcha = createCaptchaService({
    store: new CaptchaStore(db, config.TABLE_NAME),
    clock: { now: () => Date.now() + clockOffsetMs },
    pepper,
    log: (message, facts) => logger.info(message, facts),
  });
  return { config, engine, store, captcha, tenants: new TenantRegistry(db, config.TABLE_NAME) };
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
