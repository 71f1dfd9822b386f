// DYNAMODB_ENDPOINT at a DynamoDB Local started as the official image starts it (no -sharedDb: one
// database per access key and region): the table must be created where the handlers look for it.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../infra/local/dynamodb-local.ts';

let dynamo: DynamoDbLocal;
let child: ChildProcess;
let url = '';
let output = '';

beforeAll(async () => {
  dynamo = await startDynamoDbLocal({ sharedDb: false });
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DYNAMODB_ENDPOINT: dynamo.endpoint };
  // A user's shell: no region set, nothing the in-process harness sets.
  for (const name of [
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'TABLE_NAME',
    'DELIVERY',
    'PEPPER',
    'TENANTS_FILE',
  ]) {
    delete env[name];
  }
  child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line: ${output}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^Codegate listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await dynamo?.stop();
});

describe('npm start against a DynamoDB Local without -sharedDb', () => {
  it('names the outside endpoint and serves the walkthrough: send, read the outbox, check', async () => {
    expect(output).toContain(`DynamoDB: ${dynamo.endpoint} (DYNAMODB_ENDPOINT)`);
    const native = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: 'Bearer demo-api-key', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const address = { channel: 'email', to: 'plain-db@example.com', purpose: 'register' };
    expect((await native('/v1/verifications', address)).status).toBe(201);
    const outbox = (await fetch(`${url}/_local/outbox?to=plain-db@example.com`).then((r) => r.json())) as {
      messages: { text: string }[];
    };
    const code = /\b(\d{6})\b/.exec(outbox.messages[0]?.text ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const checked = await native('/v1/verifications/check', { ...address, code });
    expect(await checked.json()).toEqual({ valid: true, status: 'approved' });
  });
});
