// The deployment verifier in local mode, as ops run it: a child process against the local runtime, one line
// per check, the AWS-only checks skipped with their reason, and no secret in what it prints.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CHECKS } from '../infra/admin/verify/aws-run.ts';
import { startService, type TestService } from './helpers/service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startService();
});

afterAll(async () => {
  await service?.stop();
});

/** Runs the command as `npm run verify:deployment` does (asynchronously: this process serves the runtime). */
function runVerifier(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'infra/admin/verify-deployment.ts', ...args], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const line = (stdout: string, status: string, check: string) =>
  stdout.split('\n').find((text) => text.startsWith(`${status} ${check} — `));

const AWS_ONLY = [
  'stack',
  'pipe',
  'stage-throttles',
  'whatsapp-events',
  'call-send',
  'call-suppression',
  'alarm-topic',
  'alarms',
  'alarm-metrics',
];

describe('verify:deployment --local', () => {
  it('passes send/check, both suppression loops and lifecycle events, skips the AWS-only checks, exits 0', async () => {
    const run = await runVerifier(['--local', service.url]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const check of [
      'credential',
      'send-check',
      'suppression-bounce',
      'suppression-complaint',
      'lifecycle-events',
    ])
      expect(line(run.stdout, 'PASS', check), `${check}\n${run.stdout}`).toBeDefined();
    for (const check of AWS_ONLY) expect(line(run.stdout, 'SKIP', check), check).toMatch(/AWS only/);
    // Every check of the AWS mode has its line locally too, run or skipped.
    for (const check of AWS_CHECKS)
      expect(run.stdout, check).toMatch(new RegExp(`^(PASS|SKIP|WARN) ${check} — `, 'm'));
    expect(run.stdout).not.toMatch(/^FAIL /m);
    // The runtime really did what the report claims: the bounce and complaint addresses are now suppressed.
    const resend = await service.request('POST', '/v1/verifications', {
      headers: { authorization: 'Bearer demo-api-key' },
      json: { channel: 'email', to: 'bounce@simulator.amazonses.com', purpose: 'login' },
    });
    expect(resend.body?.error?.code).toBe('address_suppressed');
    // No secret in the report: not the key, not a code it read from the outbox, not a full address.
    const codes = service
      .messages()
      .map((message) => /\b(\d{6})\b/.exec(message.text)?.[1])
      .filter((code): code is string => code !== undefined);
    expect(codes.length).toBeGreaterThan(0);
    for (const secret of ['demo-api-key', ...codes]) expect(run.stdout).not.toContain(secret);
    expect(run.stdout).not.toMatch(/[a-z0-9+-]{2,}@simulator\.amazonses\.com/);
    expect(run.stdout).not.toMatch(/verifier-[0-9a-f]{8}@example\.com/);

    // Against the same runtime again: the simulator addresses are already suppressed, so those loops
    // cannot be proven again and say so; send/check and events still pass.
    const again = await runVerifier(['--local', service.url]);
    expect(again.code, again.stdout).toBe(0);
    expect(line(again.stdout, 'SKIP', 'suppression-bounce')).toMatch(/already suppressed before this run/);
    expect(line(again.stdout, 'PASS', 'send-check')).toBeDefined();
    expect(line(again.stdout, 'PASS', 'lifecycle-events')).toBeDefined();
  });

  it('fails the credential with advice, and exits 1, for a key the runtime does not know', async () => {
    const run = await runVerifier(['--local', service.url, '--api-key', 'not-a-key-of-any-tenant']);

    expect(run.code).toBe(1);
    expect(line(run.stdout, 'FAIL', 'credential')).toMatch(/401.*demo-api-key for the demo tenant/);
    expect(line(run.stdout, 'SKIP', 'send-check')).toBeDefined();
    expect(run.stdout).not.toContain('not-a-key-of-any-tenant');
  });

  it("--help documents both modes, naming --stack, --local and the call loop's options", async () => {
    const run = await runVerifier(['--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--stack <name>');
    expect(run.stdout).toContain('--local <url>');
    expect(run.stdout).toContain('--call <number>');
    expect(run.stdout).toContain('--call-from <id>');
  });

  it.each([
    [['--bogus']],
    [['--stack', 'Codegate', '--local', 'http://127.0.0.1:3000']],
    [['--local', 'not-a-url']],
    [[]],
  ])('a bad command line %j exits 2 with a one-line message and runs nothing', async (args) => {
    const run = await runVerifier(args);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^verify:deployment: /);
  });
});
