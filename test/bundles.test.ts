// Every function's bundle, exactly as `cdk synth` builds it, stays within the cold-start budget of 450 KB
// minified, and carries none of what Lambda never runs: the SDK's default credential chain, event streams,
// the full zod, the local mailbox simulator. (Import time is a bench figure, `npm run bench:cold`: no
// timing assertions here.)
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../lib/routes.ts';
import { MAX_KB, synthBundles } from '../scripts/cold-start.ts';

let dir: string;
let bundles: Map<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'codegate-bundles-'));
  bundles = synthBundles(join(dir, 'cdk.out'));
}, 600_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('function bundles', () => {
  it('are one per route plus the feedback loops’ two', () => {
    expect(ROUTES.every((route) => bundles.has(route.name))).toBe(true);
    expect(bundles.size).toBe(ROUTES.length + 2);
  });

  it(`are each at most ${MAX_KB} KB`, () => {
    const over = [...bundles]
      .map(([name, file]) => ({ name, kb: statSync(file).size / 1000 }))
      .filter(({ kb }) => kb > MAX_KB);
    expect(over).toEqual([]);
  });

  it('leave out the default credential chain, event streams, full zod and the mailbox simulator', () => {
    // Marks of each left-out part, as they survive minification (error messages and class names).
    const marks = [
      'Could not load credentials from any providers', // @aws-sdk/credential-provider-node
      'AWS_CONTAINER_CREDENTIALS_FULL_URI', // container and instance metadata providers
      'sso_start_url', // SSO and ini-file providers
      'Reported message length does not match received message length', // @smithy/core/event-streams
      '"ZodString"', // full zod (mini's is ZodMiniString): the SES notification parser, the tenant schema
      'Amazon SES Mailbox Simulator', // lib/suppression/simulator.ts
    ];
    for (const [name, file] of bundles) {
      const text = readFileSync(file, 'utf8');
      expect(
        marks.filter((mark) => text.includes(mark)),
        name,
      ).toEqual(name === 'Feedback/Consumer' ? ['"ZodString"'] : []);
    }
  });

  it('read Lambda’s environment credentials (the stand-in for the default chain is in every bundle)', () => {
    for (const [name, file] of bundles) {
      expect(
        readFileSync(file, 'utf8').includes('Unable to find environment variable credentials'),
        name,
      ).toBe(true);
    }
  });
});
