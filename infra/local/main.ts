// `npm start`: the local service with its demo tenants. It stops — DynamoDB Local with it — on SIGINT,
// SIGTERM or SIGHUP, when the chain that launched it ends (even by SIGKILL), or when the JVM dies.
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../../lib/tenants/load.ts';
import { watchLaunchChain } from './lifetime.ts';
import { parseAllowedHosts } from './server.ts';
import { type LocalService, startLocal } from './start.ts';

/** Everything the console says goes through here: one line each. */
const say = (line: string) => process.stdout.write(`${line}\n`);

function readPort(): number {
  const port = Number(process.env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${process.env.PORT}`);
  return port;
}

function announce(service: LocalService): void {
  say(
    service.embedded
      ? `DynamoDB Local (embedded, in memory, gone when Codegate stops): ${service.endpoint}`
      : `DynamoDB: ${service.endpoint} (DYNAMODB_ENDPOINT), table ${service.tableName}`,
  );
  say(
    'Local outbox: mail and SMS are not sent; each message is printed below with its code and kept at ' +
      `${service.url}/_local/ — codes are visible here on purpose, as they would be in the user's inbox.`,
  );
  say(`Codegate listening on ${service.url}`);
}

async function main() {
  // The SDK's nine-line notice that its 2027 releases need Node 22 says nothing about this service
  // (Lambda runs Node 22; the README says what Node 20 means here), so the local runtime leaves it out.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const port = readPort();
  const tenants = await loadTenantsFile(process.env.TENANTS_FILE || DEMO_TENANTS_FILE);
  let stopping = false;
  let service: LocalService | undefined;
  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    say(`Codegate stopping (${reason})`);
    // Never hang on the way out: whatever is left after 4 s, the exit ends (the JVM's guard follows).
    setTimeout(() => process.exit(code), 4_000).unref();
    await service?.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void stop(signal, 0));
  watchLaunchChain(() => void stop('the process that started it has ended', 1));

  service = await startLocal({
    port,
    tenants,
    dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    tableName: process.env.TABLE_NAME || 'codegate-local',
    trustProxy: process.env.TRUST_PROXY === '1',
    allowedHosts: parseAllowedHosts(process.env.LOCAL_ALLOWED_HOSTS),
  });
  void service.dynamoExited.then((code) => stop(`DynamoDB Local exited unexpectedly (${code})`, 1));
  announce(service);
}

main().catch((error: unknown) => {
  // A taken port (server.ts's PortInUseError) or a bad setting is one line for a person to act on, not a stack trace.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
