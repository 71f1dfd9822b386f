// A provider that accepts the connection and never answers: the real SES client gives up within its
// bounded attempts, the engine withdraws the code, and the recipient is not locked out.
import { createServer, type Server, type Socket } from 'node:net';
import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_CLIENT } from '../lib/aws-clients.ts';
import { Outbox } from '../lib/delivery/outbox.ts';
import { SesMailer } from '../lib/delivery/ses-mailer.ts';
import { DeliveryFailedError } from '../lib/domain/errors.ts';
import { createEngine } from '../lib/engine/engine.ts';
import { VerificationStore } from '../lib/store/verification-store.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { freshTable } from './helpers/table.ts';

let silent: Server;
const sockets: Socket[] = [];
let endpoint = '';
let connections = 0;

beforeAll(async () => {
  silent = createServer((socket) => {
    connections++;
    sockets.push(socket); // accept, read nothing back, never answer
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

describe('a hung provider', () => {
  it('ends as a delivery failure within the client bounds, with the code withdrawn and no lock-out', async () => {
    const [tenant] = (await loadTenantsFile(DEMO_TENANTS_FILE)).tenants;
    if (!tenant) throw new Error('no demo tenant');
    const table = await freshTable();
    const hung = new SesMailer(
      new SESClient({
        ...PROVIDER_CLIENT,
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );
    const store = new VerificationStore(table.db, table.tableName);
    const pepper = Buffer.from('p'.repeat(32));
    const send = (mailer: SesMailer | Outbox) =>
      createEngine({
        store,
        mailer,
        texter: new Outbox(),
        clock: { now: () => Date.now() },
        pepper,
      }).sendCode({
        tenant,
        channel: 'email',
        to: 'hung@example.com',
        purpose: 'login',
      });

    await expect(send(hung)).rejects.toBeInstanceOf(DeliveryFailedError);
    // Both bounded attempts reached the server and were abandoned.
    expect(connections).toBe(PROVIDER_CLIENT.maxAttempts);
    // Not locked out by the cooldown: a working provider delivers at once.
    const outbox = new Outbox();
    await send(outbox);
    expect(outbox.list('hung@example.com')).toHaveLength(1);
  }, 30_000);
});
