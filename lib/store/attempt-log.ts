// Secondary adapter: the attempt log of verifications sent under an external id (Twilio's Verification Attempts).
// One item per send attempt, Put in the send's own transaction (no second write on a send), in one partition per
// owner scope (Twilio: the account): `EXT#{tenant}#attempts#{scope}` / `{attempt id}`. Attempt ids begin with
// their time (dialects/twilio `attemptSid`), so the partition reads newest first with one Query and a date range
// is a key condition. Addresses are sealed by the engine; a keyed hash stands in for filtering by address.
// An approval marks the verification's attempts converted (one more transaction, on the approving check only).
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Item, Table, TransactItem } from './address-item.ts';
import { dynamoFault } from './client.ts';

/** An attempt as stored (the `sealed` address is the engine's to open). */
export interface AttemptRecord {
  id: string;
  verificationId: string;
  /** The dialect's fields (Twilio: serviceSid, accountSid) and channel name, as given at the send. */
  fields: Record<string, string>;
  channel: string;
  /** ISO 3166 alpha-2 of a phone number; null for email. */
  country: string | null;
  /** The number's country calling code (`+44`); null for email. */
  callingCode: string | null;
  sealed: string;
  toHash: string;
  converted: boolean;
  createdAt: number;
  updatedAt: number;
}

/** What a list or summary keeps: every given field must match (attempt ids bound the date range). */
export interface AttemptFilter {
  fromId?: string;
  beforeId?: string;
  fields?: Record<string, string>;
  verificationId?: string;
  channel?: string;
  country?: string;
  callingCode?: string;
  toHash?: string;
  converted?: boolean;
}

export const attemptPartition = (tenantId: string, scope: string) => `EXT#${tenantId}#attempts#${scope}`;

/** The Put of one attempt, for the send's transaction; kept until `ttl` (epoch seconds). */
export function attemptPut(
  table: Table,
  tenantId: string,
  scope: string,
  record: AttemptRecord,
  ttl: number,
) {
  const { id, ...rest } = record;
  return {
    Put: {
      TableName: table.tableName,
      Item: { pk: attemptPartition(tenantId, scope), sk: id, ...rest, ttl },
    },
  } satisfies TransactItem;
}

function recordOf(item: Item): AttemptRecord {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : null);
  return {
    id: String(item.sk),
    verificationId: String(item.verificationId ?? ''),
    fields: (item.fields ?? {}) as Record<string, string>,
    channel: String(item.channel ?? ''),
    country: text('country'),
    callingCode: text('callingCode'),
    sealed: String(item.sealed ?? ''),
    toHash: String(item.toHash ?? ''),
    converted: item.converted === true,
    createdAt: Number(item.createdAt ?? 0),
    updatedAt: Number(item.updatedAt ?? 0),
  };
}

/** One attempt of the scope; undefined when absent (or another scope's). */
export async function getAttempt(table: Table, tenantId: string, scope: string, id: string) {
  const { Item } = await table.db
    .send(
      new GetCommand({ TableName: table.tableName, Key: { pk: attemptPartition(tenantId, scope), sk: id } }),
    )
    .catch((error: unknown) => {
      throw dynamoFault(error);
    });
  return Item ? recordOf(Item) : undefined;
}

/** The key condition and filter of a Query for `filter`. */
function queryOf(table: Table, tenantId: string, scope: string, filter: AttemptFilter) {
  const values: Record<string, unknown> = { ':pk': attemptPartition(tenantId, scope) };
  const names: Record<string, string> = {};
  let key = 'pk = :pk';
  if (filter.fromId && filter.beforeId) key += ' AND sk BETWEEN :from AND :before';
  else if (filter.fromId) key += ' AND sk >= :from';
  else if (filter.beforeId) key += ' AND sk <= :before';
  if (filter.fromId) values[':from'] = filter.fromId;
  if (filter.beforeId) values[':before'] = filter.beforeId;
  const conditions: string[] = [];
  const equal = (name: string, value: unknown, path = `#${name}`) => {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    conditions.push(`${path} = :${name}`);
  };
  for (const [field, value] of Object.entries(filter.fields ?? {})) {
    names['#fields'] = 'fields';
    names[`#f_${field}`] = field;
    values[`:f_${field}`] = value;
    conditions.push(`#fields.#f_${field} = :f_${field}`);
  }
  if (filter.verificationId !== undefined) equal('verificationId', filter.verificationId);
  if (filter.channel !== undefined) equal('channel', filter.channel);
  if (filter.country !== undefined) equal('country', filter.country);
  if (filter.callingCode !== undefined) equal('callingCode', filter.callingCode);
  if (filter.toHash !== undefined) equal('toHash', filter.toHash);
  if (filter.converted !== undefined) equal('converted', filter.converted);
  return {
    TableName: table.tableName,
    KeyConditionExpression: key,
    ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
  };
}

/**
 * Up to `limit` attempts matching `filter`, newest first, after the attempt `after` (a page token); `next` is the
 * last one returned when more may follow. Reads Query pages until the page is full or the partition ends.
 */
export async function listAttempts(
  table: Table,
  tenantId: string,
  scope: string,
  filter: AttemptFilter,
  limit: number,
  after?: string,
): Promise<{ records: AttemptRecord[]; next?: string }> {
  const records: AttemptRecord[] = [];
  const pk = attemptPartition(tenantId, scope);
  // A token outside the date range (DynamoDB refuses such a start key): newer than the range is no token at all,
  // older than it leaves nothing to list.
  if (after && filter.fromId && after < filter.fromId) return { records };
  const from = after && filter.beforeId && after > filter.beforeId ? undefined : after;
  let start: Record<string, unknown> | undefined = from ? { pk, sk: from } : undefined;
  do {
    const page = await table.db
      .send(
        new QueryCommand({
          ...queryOf(table, tenantId, scope, filter),
          Limit: Math.min(1000, limit - records.length + 1),
          ExclusiveStartKey: start,
        }),
      )
      .catch((error: unknown) => {
        throw dynamoFault(error);
      });
    records.push(...(page.Items ?? []).map(recordOf));
    start = page.LastEvaluatedKey;
  } while (start && records.length <= limit);
  const more = records.length > limit || (start !== undefined && records.length === limit);
  const kept = records.slice(0, limit);
  return { records: kept, next: more ? kept.at(-1)?.id : undefined };
}

/** How many attempts match `filter`, and how many of them converted: every page of the range is read. */
export async function countAttempts(table: Table, tenantId: string, scope: string, filter: AttemptFilter) {
  let total = 0;
  let converted = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.db
      .send(new QueryCommand({ ...queryOf(table, tenantId, scope, filter), ExclusiveStartKey: start }))
      .catch((error: unknown) => {
        throw dynamoFault(error);
      });
    for (const item of page.Items ?? []) {
      total++;
      if (item.converted === true) converted++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { total, converted };
}

/**
 * Marks attempts converted (their verification was approved): one transaction; an attempt with no record (sent
 * before the log existed, or past its retention) is skipped, so a refusal retries the others one by one.
 */
export async function markConverted(
  table: Table,
  tenantId: string,
  scope: string,
  ids: string[],
  now: number,
) {
  const updates = [...new Set(ids)].slice(0, 100).map((id) => ({
    Update: {
      TableName: table.tableName,
      Key: { pk: attemptPartition(tenantId, scope), sk: id },
      UpdateExpression: 'SET converted = :yes, updatedAt = :now',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':yes': true, ':now': now },
    },
  }));
  if (updates.length === 0) return;
  try {
    if (updates.length === 1 && updates[0]) await table.db.send(new UpdateCommand(updates[0].Update));
    else await table.db.send(new TransactWriteCommand({ TransactItems: updates }));
    return;
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name !== 'TransactionCanceledException' && name !== 'ConditionalCheckFailedException') {
      throw dynamoFault(error);
    }
  }
  if (updates.length === 1) return;
  for (const update of updates) {
    await table.db.send(new UpdateCommand(update.Update)).catch((error: unknown) => {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException'))
        throw dynamoFault(error);
    });
  }
}
