// Runs in every test file: captures everything written to stdout/stderr (the Powertools logger writes
// there) and, after the file's tests, asserts that no code sent and no full address appears in it.
import { afterAll, expect } from 'vitest';
import { outbox } from '../../lib/delivery/local-outbox.ts';
import { leaks } from '../helpers/leaks.ts';

const captured: string[] = [];
const show = process.env.SHOW_LOGS === '1';

for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return show ? write(chunk, ...rest) : true;
  }) as typeof stream.write;
}

const remembered = new Set<string>();

/**
 * Secrets a test saw outside the outbox (codes read from mocked SES/SNS calls, tokens): the guard checks
 * them like outbox codes.
 */
export function rememberSecret(secret: string): string {
  if (/^\d{6,10}$|^[\w-]{20,}$/.test(secret)) remembered.add(secret);
  return secret;
}

/** Everything written to stdout/stderr so far in this test file (for tests of logs and metrics). */
export function capturedOutput(): string {
  return captured.join('');
}

afterAll(() => {
  const messages = outbox.list();
  if (messages.length === 0 && remembered.size === 0) return;
  const logs = captured.join('');
  for (const secret of remembered) expect(leaks(logs, secret), 'a remembered secret in the logs').toBe(false);
  // The capture is live: a file that sent anything has the engine's "code sent" lines in it.
  expect(logs).toMatch(/code sent|delivery failed/);
  for (const message of messages) {
    const codes = message.text.match(/\b\d{4,10}\b/g) ?? [];
    for (const code of codes.filter((value) => value.length >= 6)) expect(leaks(logs, code)).toBe(false);
    // Mailed link tokens (seed 004) are secrets like codes.
    for (const [, token] of message.text.matchAll(/token=([A-Za-z0-9_-]{20,})/g)) {
      expect(leaks(logs, token ?? '')).toBe(false);
    }
    expect(logs.toLowerCase()).not.toContain(message.to.toLowerCase());
  }
});
