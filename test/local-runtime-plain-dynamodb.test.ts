// DYNAMODB_ENDPOINT at a DynamoDB Local started as the official image starts it (no -sharedDb: one
// database per access key and region): the table must be created where the handlers look for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../infra/local/dynamodb-local.ts';
import { type LocalProcess, startLocalProcess, stopLocalProcess, userEnv } from './helpers/local-process.ts';

let dynamo: DynamoDbLocal;
let started: LocalProcess;
let url = '';

beforeAll(async () => {
  dynamo = await startDynamoDbLocal({ sharedDb: false });
  // A user's shell: no region set, nothing the in-process harness sets.
  started = await startLocalProcess(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    env: userEnv('0', { DYNAMODB_ENDPOINT: dynamo.endpoint }),
  });
  url = started.url;
});

afterAll(async () => {
  await stopLocalProcess(started?.child);
  await dynamo?.stop();
});

describe('npm start against a DynamoDB Local without -sharedDb', () => {
  it('names the outside endpoint and serves the walkthrough: send, read the outbox, check', async () => {
    expect(started.output()).toContain(`DynamoDB: ${dynamo.endpoint} (DYNAMODB_ENDPOINT)`);
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
