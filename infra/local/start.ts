// Local runtime composition: DynamoDB Local (or any endpoint), the table, the tenants, and the HTTP server.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readPepper } from '../../lib/pepper.ts';
import { createDocumentClient, ensureTable } from '../../lib/store/client.ts';
import type { Tenant, TenantsFile } from '../../lib/tenants/schema.ts';
import { syncTenants } from '../../lib/tenants/sync.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { serveRoutes } from './server.ts';
import { startLocalLifecycleEvents } from './streams.ts';

export interface LocalOptions {
  port?: number;
  /** Use this DynamoDB instead of starting DynamoDB Local. */
  dynamodbEndpoint?: string;
  tableName?: string;
  tenants: TenantsFile;
  /** TTL on the table (the tests turn it off so expired items linger as on real DynamoDB). */
  ttl?: boolean;
  trustProxy?: boolean;
  /** Host names besides localhost, 127.0.0.1 and [::1] that may reach `/_local/*` (LOCAL_ALLOWED_HOSTS). */
  allowedHosts?: readonly string[];
  /** `outbox` (default) or `aws` (real SES/SNS clients; tests mock them with aws-sdk-client-mock). */
  delivery?: 'outbox' | 'aws';
  /** Print each outbox message on stdout (default true). */
  printOutbox?: boolean;
}

export interface LocalService {
  url: string;
  endpoint: string;
  /** True when this service started its own DynamoDB Local (no `dynamodbEndpoint` given). */
  embedded: boolean;
  /** Settles if the embedded DynamoDB Local exits on its own; never settles for an outside endpoint. */
  dynamoExited: Promise<number | null>;
  tableName: string;
  server: Server;
  stop(): Promise<void>;
}

/** Fills a link base URL for tenants that have none: the local runtime's own address. */
function withLocalLinks(tenants: Tenant[], url: string): Tenant[] {
  return tenants.map((tenant) => ({
    ...tenant,
    mail: { ...tenant.mail, linkBaseUrl: tenant.mail.linkBaseUrl ?? url },
  }));
}

/** Starts the whole local service. Handlers read their configuration from the environment, as in Lambda. */
export async function startLocal(options: LocalOptions): Promise<LocalService> {
  // One region for the table and for every client that uses it: a DynamoDB Local without -sharedDb
  // keeps one database per region, so a table created elsewhere would not exist for the handlers.
  process.env.AWS_REGION ??= 'us-east-1';
  const tableName = options.tableName ?? 'codegate-local';
  // Listen first: a taken port fails in milliseconds, before any JVM is started. Requests wait until
  // the table and the tenants are in place.
  let ready: () => void = () => undefined;
  const started = new Promise<void>((resolveReady) => {
    ready = resolveReady;
  });
  const { server, url } = await serveRoutes({
    port: options.port ?? 3000,
    trustProxy: options.trustProxy,
    allowedHosts: options.allowedHosts,
    ready: started,
  });
  let dynamo: DynamoDbLocal | undefined;
  try {
    dynamo = options.dynamodbEndpoint ? undefined : await startDynamoDbLocal();
    const endpoint = options.dynamodbEndpoint ?? dynamo?.endpoint ?? '';
    const raw = new DynamoDBClient({
      endpoint,
      region: process.env.AWS_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(raw, tableName, { ttl: options.ttl ?? true });
    raw.destroy();

    process.env.TABLE_NAME = tableName;
    process.env.DYNAMODB_ENDPOINT = endpoint;
    process.env.DELIVERY = options.delivery ?? 'outbox';
    process.env.PEPPER ??= randomBytes(32).toString('base64url');
    process.env.OUTBOX_PRINT = options.printOutbox === false ? '0' : '1';

    const db = createDocumentClient(endpoint);
    // The table's tenants become exactly the file's: removed keys and aliases stop answering.
    await syncTenants(db, tableName, withLocalLinks(options.tenants.tenants, url), {
      pepper: await readPepper({ PEPPER: process.env.PEPPER }),
    });
    db.destroy();
    // Lifecycle events: the table's stream, polled as the deployed pipe reads it (`/_local/events`).
    const events = await startLocalLifecycleEvents(endpoint, tableName);
    ready();
    const embedded = dynamo;
    return {
      url,
      endpoint,
      embedded: embedded !== undefined,
      dynamoExited: embedded?.exited ?? new Promise(() => undefined),
      tableName,
      server,
      async stop() {
        await closeServer(server);
        await events.stop();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await closeServer(server);
    await dynamo?.stop();
    throw error;
  }
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
}
