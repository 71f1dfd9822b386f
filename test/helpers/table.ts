// Test helper: a fresh table on the shared DynamoDB Local, made from the same definition the stack uses.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient, ensureTable } from '../../lib/store/client.ts';

/** Creates a table with TTL off (expired items linger, as on real DynamoDB) and returns a client for it. */
export async function freshTable(endpoint = inject('dynamodbEndpoint')) {
  const tableName = `codegate-test-${randomBytes(6).toString('hex')}`;
  const raw = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(raw, tableName, { ttl: false });
  raw.destroy();
  return { tableName, db: createDocumentClient(endpoint) };
}

/** Every item of a table. */
export async function scanAll(db: DynamoDBDocumentClient, tableName: string) {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every scalar inside a value (sets, lists and maps walked), as strings. */
export function scalars(value: unknown): string[] {
  if (value instanceof Set || Array.isArray(value)) return [...value].flatMap(scalars);
  if (value && typeof value === 'object') return Object.values(value).flatMap(scalars);
  return value === undefined || value === null ? [] : [String(value)];
}
