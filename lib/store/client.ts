// Secondary adapter plumbing: the one DynamoDB document client per container, and table bootstrap.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DATABASE_CLIENT } from '../aws-clients.ts';
import { BusyError } from '../domain/errors.ts';
import { createTableInput, TABLE } from './table.ts';

/** Concurrent connections to a local DynamoDB: more than the local runtime's bursts (tests send 200 at once). */
const LOCAL_MAX_SOCKETS = 1_000;

/** Builds a document client; `endpoint` points at DynamoDB Local or any other DynamoDB. */
export function createDocumentClient(endpoint?: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient(
    endpoint
      ? {
          // DynamoDB Local (a JVM on a small machine) is slower than DynamoDB: allow it more per attempt.
          maxAttempts: DATABASE_CLIENT.maxAttempts,
          requestHandler: {
            // A JVM kept busy by a loaded 2-core machine accepts a burst of 200 new connections slowly: 2 s to
            // connect turned some of a test's burst into "busy" answers. Local only: AWS keeps its own settings.
            connectionTimeout: 10_000,
            requestTimeout: 10_000,
            throwOnRequestTimeout: true,
            // Locally every handler shares this one client (on Lambda a container serves one request at a
            // time). The SDK's default agent holds 50 sockets; a burst of 200 requests queued for them,
            // and a request still waiting for a socket when `connectionTimeout` passed failed as a
            // TimeoutError ("busy"), then retried into the same queue. One socket per concurrent request.
            httpAgent: { keepAlive: true, maxSockets: LOCAL_MAX_SOCKETS },
          },
          endpoint,
          region: process.env.AWS_REGION ?? 'local',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : DATABASE_CLIENT,
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * Creates the table if it does not exist. TTL is enabled unless `ttl: false` (the tests keep it off so
 * expired items linger, as they do on real DynamoDB).
 */
export async function ensureTable(client: DynamoDBClient, tableName: string, options: { ttl: boolean }) {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  if (options.ttl) {
    // Another start against the same DynamoDB may have enabled it between our create and this call.
    await client
      .send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
        }),
      )
      .catch((error: unknown) => {
        if (!/TimeToLive is already enabled/i.test((error as Error).message)) throw error;
      });
  }
}

/**
 * An AWS fault (throttling, timeout, outage) as the domain's retryable error: the caller's dialect
 * renders its own "busy" code. Conditional-check failures never get here; stores handle those.
 */
export function dynamoFault(error: unknown): BusyError {
  if (error instanceof BusyError) return error;
  return new BusyError(`dynamodb: ${(error as Error)?.name ?? 'unknown'}`);
}
