// DynamoDB Local started for `npm start` gets a port of its own: a port picked free can be taken by another
// process before the JVM binds it, so the instance that answers must be one whose socket our JVM holds.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ownsPort, startDynamoDbLocal } from '../infra/local/dynamodb-local.ts';

describe('DynamoDB Local port ownership', () => {
  it('tells a socket this process tree listens on from one another process holds', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const stranger = spawn('sleep', ['30']);
    try {
      expect(ownsPort(process.pid, port)).toBe(true);
      expect(ownsPort(stranger.pid ?? 0, port)).toBe(false);
    } finally {
      stranger.kill();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('two instances started at once each answer on their own port', async () => {
    const [a, b] = await Promise.all([startDynamoDbLocal(), startDynamoDbLocal()]);
    try {
      expect(a.endpoint).not.toBe(b.endpoint);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 120_000);
});
