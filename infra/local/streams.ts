// Local runtime: the DynamoDB stream consumer that stands in for the deployed pipe. Polls DynamoDB Local's
// stream of the table and runs the same enrichment, putting the events on the local bus (`/_local/events`).
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { enrichRecords, maxAttemptsFrom } from '../../lib/events/enrich.ts';
import type { LifecycleEvent, MaxAttemptsOf } from '../../lib/events/lifecycle.ts';
import { localEvents } from '../../lib/events/local-bus.ts';
import { createDocumentClient } from '../../lib/store/client.ts';
import { TenantRegistry } from '../../lib/tenants/registry.ts';

export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  maxAttemptsOf: MaxAttemptsOf;
  publish: (events: LifecycleEvent[]) => void;
  /** Pause between polls (ms). */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * DynamoDB Streams calls over plain HTTP: the project carries no Streams client, and DynamoDB Local
 * serves the Streams API on its own port. Local only, so any credentials do.
 */
async function streams<T>(endpoint: string, operation: string, body: unknown): Promise<T> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDBStreams_20120810.${operation}`,
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20000101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`DynamoDB Streams ${operation}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/**
 * DynamoDB Local rounds a record's `ApproximateCreationDateTime` down to the minute (DynamoDB itself gives the
 * second), which made every local `occurredAt` read `hh:mm:00`. The poller reads each record within a poll
 * interval of its write, so a record seen during the minute it is stamped with gets the second it was seen in
 * (never earlier than its stamp, never past its minute). A record seen later — an older record of a shared
 * DynamoDB Local read at start — keeps its stamp: its second is not known.
 */
export function toTheSecond(records: readonly DynamoDBRecord[], seenAtSeconds: number): DynamoDBRecord[] {
  const seen = Math.floor(seenAtSeconds);
  return records.map((record) => {
    const stamped = record.dynamodb?.ApproximateCreationDateTime;
    if (stamped === undefined || stamped % 60 !== 0 || seen < stamped || seen >= stamped + 60) return record;
    return { ...record, dynamodb: { ...record.dynamodb, ApproximateCreationDateTime: seen } };
  });
}

interface Shard {
  ShardId: string;
}

/** Starts polling; resolves once the stream is found. `stop()` ends the loop after the current poll. */
export async function pollLifecycleEvents(options: StreamPollerOptions): Promise<{ stop(): Promise<void> }> {
  const client = new DynamoDBClient({
    endpoint: options.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const table = await client.send(new DescribeTableCommand({ TableName: options.tableName }));
  client.destroy();
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);

  const iterators = new Map<string, string | null>();
  let running = true;
  const poll = async () => {
    const { StreamDescription } = await streams<{ StreamDescription: { Shards?: Shard[] } }>(
      options.endpoint,
      'DescribeStream',
      { StreamArn: streamArn },
    );
    for (const shard of StreamDescription.Shards ?? []) {
      if (iterators.has(shard.ShardId)) continue;
      const { ShardIterator } = await streams<{ ShardIterator: string }>(
        options.endpoint,
        'GetShardIterator',
        {
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        },
      );
      iterators.set(shard.ShardId, ShardIterator);
    }
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      const page = await streams<{ Records?: DynamoDBRecord[]; NextShardIterator?: string }>(
        options.endpoint,
        'GetRecords',
        { ShardIterator: iterator },
      );
      // A closed shard has no next iterator: remember it as done so it is not read again.
      iterators.set(shardId, page.NextShardIterator ?? null);
      if (page.Records?.length) {
        const records = toTheSecond(page.Records, Date.now() / 1000);
        options.publish(await enrichRecords(records, options.maxAttemptsOf));
      }
    }
  };
  const loop = (async () => {
    while (running) {
      try {
        await poll();
      } catch (error) {
        if (running) options.onError?.(error);
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

/**
 * The local runtime's lifecycle events: polls the table's stream onto `localEvents`. A table without a
 * stream (an outside DynamoDB whose table predates streams) gets a warning and no events.
 */
export async function startLocalLifecycleEvents(endpoint: string, tableName: string) {
  const db = createDocumentClient(endpoint);
  try {
    const poller = await pollLifecycleEvents({
      endpoint,
      tableName,
      maxAttemptsOf: maxAttemptsFrom(new TenantRegistry(db, tableName)),
      publish: (events) => localEvents.publish(events),
      onError: (error) => process.stderr.write(`local events: ${(error as Error)?.message}\n`),
    });
    return {
      async stop() {
        await poller.stop();
        db.destroy();
      },
    };
  } catch (error) {
    db.destroy();
    process.stderr.write(`local events are off: ${(error as Error)?.message}\n`);
    return { stop: async () => undefined };
  }
}
