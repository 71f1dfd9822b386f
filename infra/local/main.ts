// `npm start`: the local service with its demo tenants (SPEC §8).
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../../lib/tenants/load.ts';
import { startLocal } from './start.ts';

async function main() {
  const port = Number(process.env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${process.env.PORT}`);
  const tenants = await loadTenantsFile(process.env.TENANTS_FILE || DEMO_TENANTS_FILE);
  const service = await startLocal({
    port,
    tenants,
    dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    tableName: process.env.TABLE_NAME || 'codegate-local',
    trustProxy: process.env.TRUST_PROXY === '1',
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Codegate stopping (${signal})\n`);
    await service.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.stdout.write(`Codegate listening on ${service.url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
