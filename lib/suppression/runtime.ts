// Composition for the feedback consumer (SES, voice, WhatsApp): table, pepper and logger, once per container.
import { readConfig } from '../config.ts';
import { logger } from '../log.ts';
import { readPepper } from '../pepper.ts';
import { createDocumentClient } from '../store/client.ts';
import { SuppressionStore } from '../store/suppressions.ts';
import type { FeedbackPorts } from './consumer.ts';

/** Logs through the Powertools logger (facts carry masked addresses only). */
export function logFeedback(level: 'info' | 'warn', message: string, facts: Record<string, unknown>) {
  logger[level](message, facts);
}

let ports: Promise<FeedbackPorts> | undefined;

/** The consumer's ports, built on first use and reused by every later invocation. */
export function getFeedbackPorts(): Promise<FeedbackPorts> {
  ports ??= (async () => {
    const config = readConfig();
    const db = createDocumentClient(config.DYNAMODB_ENDPOINT);
    return {
      store: new SuppressionStore(db, config.TABLE_NAME),
      pepper: await readPepper(config),
      clock: { now: () => Date.now() },
      log: logFeedback,
    };
  })().catch((error: unknown) => {
    ports = undefined;
    throw error;
  });
  return ports;
}
