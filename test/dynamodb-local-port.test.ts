// DynamoDB Local started for `npm start` gets a port of its own: a port picked free can be taken by another
// process before the JVM binds it, so the instance that answers must be one whose socket our JVM holds.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ownsPort, startDynamoDbLocal } from '../infra/local/dynamodb-local.ts';
import { descendants } from './helpers/processes.ts';

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
      // Each JVM runs C1 only and sends no telemetry (infra/local/dynamodb-local.ts, JVM_OPTIONS).
      const jvms = descendants(process.pid).filter((entry) =>
        /^\S*java .*DynamoDBLocal\.jar/.test(entry.args),
      );
      const ports = [a, b].map((instance) => new URL(instance.endpoint).port);
      for (const port of ports) {
        const jvm = jvms.find((entry) => entry.args.includes(`-port ${port}`));
        expect(jvm?.args, `port ${port}`).toMatch(
          /^\S*java -XX:TieredStopAtLevel=1 -D.* -jar .*-disableTelemetry$/,
        );
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 120_000);
});
