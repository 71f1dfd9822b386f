// The local runtime as a user runs it: what the console says, the README walkthrough, a clean stop.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalProcess, startLocalProcess, userEnv } from './helpers/local-process.ts';
import { descendants, gone } from './helpers/processes.ts';

let started: LocalProcess;
let child: ChildProcess;
let url = '';

beforeAll(async () => {
  started = await startLocalProcess(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    env: userEnv('0'),
  });
  child = started.child;
  url = started.url;
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start', () => {
  it('serves the README walkthrough with the demo tenant', async () => {
    const sent = await fetch(
      `${url}/v2/mail/enduserapi/v2/sendEmail?email=alice@example.com&emailType=1&userDomain=C.DM.5903.1`,
      { method: 'POST' },
    ).then((response) => response.json());
    expect(sent).toEqual({ code: 200, msg: 'OK', extMsg: '', data: {} });

    const response = await fetch(`${url}/_local/outbox?to=alice@example.com`);
    const outbox = (await response.json()) as { messages: { text: string }[] };
    expect(outbox.messages).toHaveLength(1);
    const code = /\b(\d{6})\b/.exec(outbox.messages[0]?.text ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    // Local only: each outbox message is printed on one line, code visible.
    expect(started.output()).toContain(`[outbox] email to alice@example.com (demo/register)`);

    const check = () =>
      fetch(`${url}/v1/verifications/check`, {
        method: 'POST',
        headers: { authorization: 'Bearer demo-api-key', 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'email', to: 'alice@example.com', purpose: 'register', code }),
      }).then((response) => response.json());
    expect(await check()).toEqual({ valid: true, status: 'approved' });
    expect(await check()).toEqual({ valid: false, status: 'already_used' });
  });

  it('says it is the local outbox, where its DynamoDB is, and prints no SDK Node-version notice', () => {
    const endpoint = /^DynamoDB Local \(embedded, in memory[^)]*\): (http:\/\/127\.0\.0\.1:\d+)$/m.exec(
      started.output(),
    )?.[1];
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.output()).toMatch(
      /^Local outbox: mail and SMS are not sent.*codes are visible here on purpose/m,
    );
    expect(started.output()).toContain(`${url}/_local/`);
    expect(started.output()).not.toContain('NodeVersionSupportWarning');
  });

  it('answers a malformed percent-escape in the path with 400 JSON, not 500', async () => {
    for (const path of ['/v1/verifications/%E0%A4%A', '/v1/verifications/%zz', '/v1/verifications/%']) {
      const response = await fetch(`${url}${path}`, { headers: { authorization: 'Bearer demo-api-key' } });
      expect(response.status, path).toBe(400);
      expect(await response.json()).toEqual({ message: 'Bad Request' });
    }
  });

  it('stops cleanly on SIGTERM, taking DynamoDB Local down with it', async () => {
    const tree = descendants(child.pid ?? 0);
    const java = tree.filter((entry) => /^\S*java .*DynamoDBLocal\.jar/.test(entry.args));
    expect(java).toHaveLength(1);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(
      await gone(
        tree.map((entry) => entry.pid),
        5_000,
      ),
    ).toEqual([]);
    await expect(fetch(`${url}/_local/outbox`)).rejects.toThrow();
  });
});
