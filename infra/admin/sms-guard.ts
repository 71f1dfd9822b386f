// Admin command: the SMS pumping guard — list blocked and safe-listed prefixes, lift a block, keep a number or a
// prefix safe from the guard (Twilio's Safe List).   npm run sms-guard -- list|unblock|safelist … (see USAGE)
import { parseArgs } from 'node:util';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { parsePhone } from '../../lib/address.ts';
import { keyedHash } from '../../lib/crypto.ts';
import { prefixOf, prefixRef } from '../../lib/engine/pumping-guard.ts';
import { maskPhone } from '../../lib/mask.ts';
import { addressKey } from '../../lib/store/address-item.ts';
import { createDocumentClient } from '../../lib/store/client.ts';
import { GUARD_SAFE_SK, prefixKey } from '../../lib/store/prefix-guard.ts';
import { comparePepperFingerprint } from '../../lib/tenants/pepper-fingerprint.ts';
import { readAdminPepper, TABLE_OPTIONS } from './table-access.ts';

export const USAGE = `usage: npm run sms-guard -- <command> --table <TableName> [options]

commands:
  list                                   blocked prefixes (enforce), would-be blocks (monitor), safe-listed
                                         prefixes and numbers: tenant, country, masked prefix, state, offences
  unblock  --tenant <id> --prefix <+number or prefix>
                                         lift the prefix's block now; its next window starts from zero (its
                                         offences are kept: a new block lasts as long as a repeat offence's)
  safelist add|remove --tenant <id> (--prefix <+number or prefix> | --number <+number>)
                                         never block this prefix (its 1,000 numbers) or this one number

A prefix is the E.164 number without its last 3 digits (+12025550 for +12025550123); give either. Coarser
prefixes ("+4479111") belong in the tenant's sms.guard.safeList (npm run tenants:load).

options:
  --table <name>                         the Codegate table (the stack's TableName output)
  --endpoint <url>                       another DynamoDB endpoint (e.g. DynamoDB Local)
  --region <region>                      the stack's region (else AWS_REGION, else the secret ARN's)
  --pepper-secret <arn>                  the stack's pepper secret (or PEPPER): prefixes and numbers are keyed
  --help                                 this text`;

const PHONE_CHANNELS = ['sms', 'whatsapp', 'voice'] as const;

/** Runs one command; returns what to print (masked prefixes and numbers only). Throws with USAGE on bad input. */
export async function runSmsGuard(argv: string[], now = Date.now()): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...TABLE_OPTIONS,
      tenant: { type: 'string' },
      prefix: { type: 'string' },
      number: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return USAGE;
  const [command, action] = positionals;
  const valid =
    (command === 'list' && positionals.length === 1) ||
    (command === 'unblock' && positionals.length === 1 && values.prefix) ||
    (command === 'safelist' && (action === 'add' || action === 'remove') && (values.prefix || values.number));
  if (!valid || !values.table || (command !== 'list' && !values.tenant)) throw new Error(USAGE);
  if (values.region) process.env.AWS_REGION = values.region;
  const db = createDocumentClient(values.endpoint);
  const table = values.table;
  try {
    if (command === 'list') return await list(db, table, now);
    const pepper = await readAdminPepper(values['pepper-secret'], values.region);
    const fingerprint = await comparePepperFingerprint(db, table, pepper);
    if (fingerprint !== 'match')
      throw new Error(
        `this pepper is not ${table}'s (PEPPER#fingerprint ${fingerprint}): its keys would match nothing`,
      );
    const tenant = values.tenant ?? '';
    if (values.number) {
      const phone = parsePhone(values.number);
      if (!phone) throw new Error('--number is not a valid E.164 number');
      const masked = maskPhone(phone.e164);
      for (const channel of PHONE_CHANNELS) {
        const pk = addressKey({
          tenantId: tenant,
          channel,
          addrKey: keyedHash(pepper, 'addr', tenant, channel, phone.e164),
        }).pk;
        const Key = { pk, sk: GUARD_SAFE_SK };
        if (action === 'add')
          await db.send(new PutCommand({ TableName: table, Item: { ...Key, m: masked, at: now } }));
        else await db.send(new DeleteCommand({ TableName: table, Key }));
      }
      return `${action === 'add' ? 'safe-listed' : 'removed from the safe list'}: ${masked} (${tenant})`;
    }
    const target = prefixFrom(values.prefix ?? '');
    const Key = prefixKey(prefixRef(pepper, tenant, target.country, target.prefix));
    if (command === 'unblock') {
      await db
        .send(
          new UpdateCommand({
            TableName: table,
            Key,
            UpdateExpression: 'SET w = :now, u = :zero, s = :zero REMOVE bu, mbu, fl',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':now': now, ':zero': 0 },
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof Error && error.name === 'ConditionalCheckFailedException')
            throw new Error(`${target.shown} (${tenant}) has no guard record: nothing to unblock`);
          throw error;
        });
      return `unblocked ${target.shown} (${tenant}, ${target.country})`;
    }
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key,
        UpdateExpression:
          action === 'add' ? 'SET safe = :yes, c = :c, shown = :shown REMOVE bu, mbu' : 'REMOVE safe',
        ...(action === 'add'
          ? { ExpressionAttributeValues: { ':yes': true, ':c': target.country, ':shown': target.shown } }
          : {}),
      }),
    );
    return `${action === 'add' ? 'safe-listed' : 'removed from the safe list'}: ${target.shown} (${tenant}, ${target.country})`;
  } finally {
    db.destroy();
  }
}

/** The guard's prefix of a number, or a prefix given as such (a number without its last 3 digits). */
function prefixFrom(given: string): { prefix: string; shown: string; country: string } {
  const whole = parsePhone(given);
  const asPrefix = whole ? undefined : parsePhone(`${given}000`);
  const phone = whole ?? asPrefix;
  if (!phone?.country)
    throw new Error('--prefix is neither a valid number nor a number without its last 3 digits');
  return { ...prefixOf(phone.e164), country: phone.country };
}

async function list(db: DynamoDBDocumentClient, table: string, now: number): Promise<string> {
  const rows: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table,
        FilterExpression:
          '(begins_with(pk, :guard) AND sk = :g AND (bu > :now OR mbu > :now OR attribute_exists(safe))) OR sk = :safe',
        ExpressionAttributeValues: { ':guard': 'GUARD#', ':g': 'GUARD', ':now': now, ':safe': GUARD_SAFE_SK },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const tenant = String(item.pk).split('#')[1];
      if (item.sk === GUARD_SAFE_SK) {
        rows.push(`${tenant}\t-\t${String(item.m)}\tsafe-listed number\t-`);
        continue;
      }
      const state = item.safe
        ? 'safe-listed prefix'
        : Number(item.bu ?? 0) > now
          ? `blocked until ${new Date(Number(item.bu)).toISOString()}`
          : `monitor: would block until ${new Date(Number(item.mbu)).toISOString()}`;
      rows.push(
        `${tenant}\t${String(item.c)}\t${String(item.shown)}\t${state}\t${Number(item.off ?? item.moff ?? 0)}`,
      );
    }
    start = page.LastEvaluatedKey;
  } while (start);
  if (rows.length === 0) return 'no blocked or safe-listed prefixes';
  // One number is safe-listed once per phone channel: show it once.
  return ['tenant\tcountry\tprefix\tstate\toffences', ...new Set(rows.sort())].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runSmsGuard(process.argv.slice(2)).then(
    (output) => process.stdout.write(`${output}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
