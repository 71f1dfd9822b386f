// Secondary adapter: Twilio Service Rate Limits and their Buckets, one partition per (tenant, account, service):
// `TSVC#{tenant}#{account}#{service}` holding `RK…` (a rate limit), `RK…#BL…` (a bucket of it) and `NAME#{unique
// name}` (the name taken, so two rate limits cannot share one). Every read is one Query of that small partition
// (at most MAX_RATE_LIMITS limits of MAX_BUCKETS buckets); every change one conditional transaction. The counts a
// send spends are ordinary counters (store/limits.ts, scope `bucket`), written in the send's own transaction.
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamoFault } from './client.ts';

/** Rate limits one service may have, and buckets one rate limit may have: a send's transaction stays small. */
export const MAX_RATE_LIMITS = 10;
export const MAX_BUCKETS = 5;

export interface StoredBucket {
  sid: string;
  rateLimitSid: string;
  max: number;
  interval: number;
  createdAt: number;
  updatedAt: number;
}

export interface StoredRateLimit {
  sid: string;
  uniqueName: string;
  description: string | null;
  createdAt: number;
  updatedAt: number;
  buckets: StoredBucket[];
}

/** Where a service's rate limits live: the tenant, the account that made them, the service. */
export interface RateLimitScope {
  tenantId: string;
  accountSid: string;
  serviceSid: string;
}

/** Why a change was refused (the dialect names it): a name taken, a cap reached, or nothing to change. */
export type RateLimitRefusal = 'name_taken' | 'too_many' | 'not_found';

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

const partition = (scope: RateLimitScope) => `TSVC#${scope.tenantId}#${scope.accountSid}#${scope.serviceSid}`;

export class TwilioRateLimitStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Every rate limit of the service with its buckets, in sid order: one Query. */
  async all(scope: RateLimitScope): Promise<StoredRateLimit[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db
        .send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rk)',
            ExpressionAttributeValues: { ':pk': partition(scope), ':rk': 'RK' },
            ExclusiveStartKey: start,
          }),
        )
        .catch((error: unknown) => {
          throw dynamoFault(error);
        });
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const limits = new Map<string, StoredRateLimit>();
    for (const item of items) {
      const sk = String(item.sk);
      if (!sk.includes('#')) limits.set(sk, rateLimitOf(item));
    }
    for (const item of items) {
      const [limitSid, bucketSid] = String(item.sk).split('#');
      const limit = limits.get(limitSid ?? '');
      if (limit && bucketSid) limit.buckets.push(bucketOf(item, limit.sid, bucketSid));
    }
    return [...limits.values()];
  }

  /** A new rate limit: its name taken and the service's count raised in the same transaction. */
  createRateLimit(scope: RateLimitScope, limit: Omit<StoredRateLimit, 'buckets'>) {
    const pk = partition(scope);
    return this.write([
      this.count(pk, 1),
      {
        Put: {
          TableName: this.tableName,
          Item: { pk, sk: `NAME#${limit.uniqueName}`, rateLimitSid: limit.sid },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            pk,
            sk: limit.sid,
            uniqueName: limit.uniqueName,
            description: limit.description,
            createdAt: limit.createdAt,
            updatedAt: limit.updatedAt,
            buckets: 0,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
  }

  /** A rate limit's description (the only thing Twilio lets an update change). */
  updateRateLimit(scope: RateLimitScope, sid: string, description: string | null, now: number) {
    return this.write([
      {
        Update: {
          TableName: this.tableName,
          Key: { pk: partition(scope), sk: sid },
          UpdateExpression: 'SET description = :d, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':d': description, ':now': now },
        },
      },
    ]);
  }

  /** Removes a rate limit with its buckets (as read) and its name, and lowers the service's count. */
  deleteRateLimit(scope: RateLimitScope, limit: StoredRateLimit) {
    const pk = partition(scope);
    return this.write([
      {
        Delete: {
          TableName: this.tableName,
          Key: { pk, sk: limit.sid },
          // The buckets deleted below are all it has: one made meanwhile fails the condition (try again).
          ConditionExpression: 'attribute_exists(pk) AND buckets = :n',
          ExpressionAttributeValues: { ':n': limit.buckets.length },
        },
      },
      { Delete: { TableName: this.tableName, Key: { pk, sk: `NAME#${limit.uniqueName}` } } },
      this.count(pk, -1),
      ...limit.buckets.map((bucket) => ({
        Delete: { TableName: this.tableName, Key: { pk, sk: `${limit.sid}#${bucket.sid}` } },
      })),
    ]);
  }

  /** A new bucket of an existing rate limit, under its cap. */
  createBucket(scope: RateLimitScope, bucket: StoredBucket) {
    const pk = partition(scope);
    return this.write([
      {
        Update: {
          TableName: this.tableName,
          Key: { pk, sk: bucket.rateLimitSid },
          UpdateExpression: 'ADD buckets :one',
          ConditionExpression: 'attribute_exists(pk) AND buckets < :max',
          ExpressionAttributeValues: { ':one': 1, ':max': MAX_BUCKETS },
          // The old item tells a full rate limit (it exists) from a missing one.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            pk,
            sk: `${bucket.rateLimitSid}#${bucket.sid}`,
            max: bucket.max,
            interval: bucket.interval,
            createdAt: bucket.createdAt,
            updatedAt: bucket.updatedAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
  }

  /** A bucket's max and interval. */
  updateBucket(scope: RateLimitScope, bucket: StoredBucket) {
    return this.write([
      {
        Update: {
          TableName: this.tableName,
          Key: { pk: partition(scope), sk: `${bucket.rateLimitSid}#${bucket.sid}` },
          UpdateExpression: 'SET #max = :max, #interval = :interval, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#max': 'max', '#interval': 'interval' },
          ExpressionAttributeValues: {
            ':max': bucket.max,
            ':interval': bucket.interval,
            ':now': bucket.updatedAt,
          },
        },
      },
    ]);
  }

  /** Removes a bucket and lowers its rate limit's count. */
  deleteBucket(scope: RateLimitScope, rateLimitSid: string, sid: string) {
    const pk = partition(scope);
    return this.write([
      {
        Delete: {
          TableName: this.tableName,
          Key: { pk, sk: `${rateLimitSid}#${sid}` },
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: { pk, sk: rateLimitSid },
          UpdateExpression: 'ADD buckets :minus',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':minus': -1 },
        },
      },
    ]);
  }

  /** The service's count of rate limits, one up (under MAX_RATE_LIMITS) or one down. */
  private count(pk: string, delta: 1 | -1) {
    const limit = delta > 0 ? { ConditionExpression: 'attribute_not_exists(n) OR n < :max' } : {};
    const values = delta > 0 ? { ':max': MAX_RATE_LIMITS } : {};
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk, sk: 'COUNT' },
        UpdateExpression: 'ADD n :delta',
        ...limit,
        ExpressionAttributeValues: { ':delta': delta, ...values },
      },
    };
  }

  /**
   * One transaction (a single item goes as a transaction too: one code path); a refused condition is
   * the caller's answer, named by the item that refused.
   */
  private async write(items: TransactItems): Promise<RateLimitRefusal | undefined> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return undefined;
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string; Item?: object }[] })
        .CancellationReasons;
      if (!reasons) throw dynamoFault(error);
      const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
      if (failed < 0) throw dynamoFault(error);
      const item = items[failed];
      const key = String((item?.Put?.Item ?? item?.Update?.Key ?? item?.Delete?.Key)?.sk ?? '');
      if (key === 'COUNT') return 'too_many';
      if (key.startsWith('NAME#')) return 'name_taken';
      if (item?.Update?.UpdateExpression === 'ADD buckets :one' && reasons[failed]?.Item) return 'too_many';
      return 'not_found';
    }
  }
}

/** When an item was made and last changed (epoch ms). */
const timesOf = (item: Record<string, unknown>) => ({
  createdAt: Number(item.createdAt ?? 0),
  updatedAt: Number(item.updatedAt ?? 0),
});

function rateLimitOf(item: Record<string, unknown>): StoredRateLimit {
  const description = typeof item.description === 'string' ? item.description : null;
  return {
    sid: String(item.sk),
    uniqueName: String(item.uniqueName ?? ''),
    description,
    ...timesOf(item),
    buckets: [],
  };
}

function bucketOf(item: Record<string, unknown>, rateLimitSid: string, sid: string): StoredBucket {
  return {
    sid,
    rateLimitSid,
    max: Number(item.max ?? 0),
    interval: Number(item.interval ?? 0),
    ...timesOf(item),
  };
}
