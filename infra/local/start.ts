// Local runtime composition: DynamoDB Local (or any endpoint), the table, the tenants, and the HTTP server.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, ensureTable } from '../../lib/store/client.ts';
import type { Tenant, TenantsFile } from '../../lib/tenants/schema.ts';
import { syncTenants } from '../../lib/tenants/sync.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { serveRoutes } from './server.ts';

export interface LocalOptions {
  port?: number;
  /** Use this DynamoDB instead of starting DynamoDB Local. */
  dynamodbEndpoint?: string;
  tableName?: string;
  tenants: TenantsFile;
  /** TTL on the table (the tests turn it off so expired items linger as on real DynamoDB). */
  ttl?: boolean;
  trustProxy?: boolean;
  /** `outbox` (default) or `aws` (real SES/SNS clients; tests mock them with aws-sdk-client-mock). */
  delivery?: 'outbox' | 'aws';
  /** Print each outbox message on stdout (default true). */
  printOutbox?: boolean;
}

export interface LocalService {
  url: string;
  endpoint: string;
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
  const dynamo: DynamoDbLocal | undefined = options.dynamodbEndpoint ? undefined : await startDynamoDbLocal();
  const endpoint = options.dynamodbEndpoint ?? dynamo?.endpoint ?? '';
  const tableName = options.tableName ?? 'codegate-local';
  try {
    const raw = new DynamoDBClient({
      endpoint,
      region: process.env.AWS_REGION ?? 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(raw, tableName, { ttl: options.ttl ?? true });
    raw.destroy();

    process.env.TABLE_NAME = tableName;
    process.env.DYNAMODB_ENDPOINT = endpoint;
    process.env.DELIVERY = options.delivery ?? 'outbox';
    process.env.PEPPER ??= randomBytes(32).toString('base64url');
    process.env.OUTBOX_PRINT = options.printOutbox === false ? '0' : '1';
    process.env.AWS_REGION ??= 'us-east-1';

    const { server, url } = await serveRoutes({ port: options.port ?? 3000, trustProxy: options.trustProxy });
    const db = createDocumentClient(endpoint);
    // The table's tenants become exactly the file's: removed keys and aliases stop answering.
    await syncTenants(db, tableName, withLocalLinks(options.tenants.tenants, url));
    db.destroy();
    return {
      url,
      endpoint,
      tableName,
      server,
      async stop() {
        server.closeAllConnections();
        await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
}
