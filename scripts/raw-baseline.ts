// `npm run bench` (warm section): what Codegate adds over the raw DynamoDB operation it wraps. The bench
// records the commands its native sends and approving checks send (their inputs, as the document client got
// them) and replays exactly those through a plain document client, chunk by chunk alternating with the
// requests (scripts/measure.ts `paired`): each send's transaction on fresh keys (the sends went to fresh
// addresses and client IPs, so the replay does the same work), each check's conditional update on a copy
// of the item it updated, taken before the checks; each replay followed by one trivial HTTP round trip
// through the local runtime, so both sides make one round trip under the same load.
import { randomBytes } from 'node:crypto';
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lib/store/client.ts';
import { median } from './measure.ts';

/** Issue 11's budget: warm latency within this ratio of the raw operation plus an HTTP round trip. */
const MAX_RATIO = 1.3;

type Key = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
interface Service {
  url: string;
  endpoint: string;
  tableName: string;
}

/** The key (partition key prefixed) under which a replay writes instead of the recorded item. */
const moved = (key: Key | undefined, prefix: string): Key => ({ ...key, pk: `${prefix}${String(key?.pk)}` });

/** A recorded transaction item with every key moved under `prefix`. */
function movedItem(item: TransactItem, prefix: string): TransactItem {
  if (item.Update) return { Update: { ...item.Update, Key: moved(item.Update.Key, prefix) } };
  if (item.ConditionCheck)
    return { ConditionCheck: { ...item.ConditionCheck, Key: moved(item.ConditionCheck.Key, prefix) } };
  if (item.Delete) return { Delete: { ...item.Delete, Key: moved(item.Delete.Key, prefix) } };
  if (item.Put) return { Put: { ...item.Put, Item: moved(item.Put.Item, prefix) } };
  throw new Error('a transaction item of no known kind');
}

/**
 * Copies (untimed) every item the recorded send transactions updated, as it stands now, under a prefix of
 * its own; returns the prefix. Taken just before the approving checks, the copies are in the state those
 * checks found.
 */
export async function copyItems(service: Service, sends: TransactWriteCommandInput[]): Promise<string> {
  const prefix = `RAWCOPY#${randomBytes(4).toString('hex')}#`;
  const db = createDocumentClient(service.endpoint);
  const TableName = service.tableName;
  try {
    const keys = sends.flatMap((send) =>
      (send.TransactItems ?? []).flatMap((item) => item.Update?.Key ?? []),
    );
    for (let at = 0; at < keys.length; at += 8) {
      await Promise.all(
        keys.slice(at, at + 8).map(async (Key) => {
          const { Item } = await db.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
          if (Item) await db.send(new PutCommand({ TableName, Item: moved(Item, prefix) }));
        }),
      );
    }
    return prefix;
  } finally {
    db.destroy();
  }
}

/**
 * Replays recorded commands through a plain document client of its own: a send's transaction on fresh keys,
 * a check's update on the copy of its item. Each must succeed, or the replay would not be the same work.
 */
export function replayer(service: Service) {
  const db = createDocumentClient(service.endpoint);
  const fresh = `RAWTX#${randomBytes(4).toString('hex')}#`;
  return {
    transaction: async (send: TransactWriteCommandInput, i: number) => {
      const TransactItems = (send.TransactItems ?? []).map((item) => movedItem(item, `${fresh}${i}#`));
      await db.send(new TransactWriteCommand({ ...send, TransactItems }));
    },
    /** `copies`: the prefix `copyItems` returned. */
    update: async (check: UpdateCommandInput, copies: string) => {
      await db.send(new UpdateCommand({ ...check, Key: moved(check.Key, copies) }));
    },
    close: () => db.destroy(),
  };
}

type Pair = { ours: number; raw: number };

/**
 * Prints each Codegate operation's p50 as a ratio of its raw equivalent (the replay plus an HTTP round
 * trip), round by round, and the verdict on the median of the rounds' ratios.
 */
export function compareWithRaw(rounds: { send: Pair; check: Pair }[], items: number): void {
  const rows = [
    ['native send', rounds.map((round) => round.send), `its ${items}-item transaction, replayed, + HTTP`],
    ['approving check', rounds.map((round) => round.check), 'its conditional update, replayed, + HTTP'],
  ] as const;
  process.stdout.write(
    '\nwarm latency against the raw operation (p50 of each round; verdict on the median ratio):\n',
  );
  for (const [name, pairs, what] of rows) {
    const ratios = pairs.map((pair) => pair.ours / pair.raw);
    const each = pairs.map(
      (pair, k) => `${pair.ours.toFixed(1)}/${pair.raw.toFixed(1)} ms = ${ratios[k]?.toFixed(2)}×`,
    );
    const ratio = median(ratios);
    process.stdout.write(
      `  ${name.padEnd(16)} vs ${what}: ${each.join(', ')}; median ${ratio.toFixed(2)}×  ` +
        `${ratio <= MAX_RATIO ? 'within' : 'OVER'} the ${MAX_RATIO}× budget\n`,
    );
  }
}
