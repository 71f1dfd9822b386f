// Admin command: the suppression list — list it, suppress an address by hand, or lift a suppression.
//   npm run suppressions -- list|add|remove … (see USAGE)
import { parseArgs } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CHANNELS, type Channel } from '../../lib/domain/vocabulary.ts';
import { maskAddress } from '../../lib/mask.ts';
import { createDocumentClient } from '../../lib/store/client.ts';
import { type Suppression, SuppressionStore } from '../../lib/store/suppressions.ts';
import { normalizedAddress, suppressionKey } from '../../lib/suppression/key.ts';
import { comparePepperFingerprint } from '../../lib/tenants/pepper-fingerprint.ts';
import { readAdminPepper, TABLE_OPTIONS } from './table-access.ts';

export const USAGE = `usage: npm run suppressions -- <command> --table <TableName> [options]

commands:
  list                               every suppression: channel, reason, when, masked address, key
  add    --to <address> [--channel email|sms|whatsapp|voice]
                                     suppress an address until removed (reason "operator")
  remove --to <address> [--channel email|sms|whatsapp|voice] | --key <key> --channel <channel>
                                     lift a suppression; the address can be mailed again at once

--channel defaults to sms for a +… number, else email.

options:
  --table <name>                     the Codegate table (the stack's TableName output)
  --endpoint <url>                   another DynamoDB endpoint (e.g. DynamoDB Local)
  --region <region>                  the stack's region (else AWS_REGION, else the secret ARN's)
  --pepper-secret <arn>              the stack's pepper secret (needed with --to; or set PEPPER);
                                     checked against the fingerprint tenants:load records
  --help                             this text

Addresses are never stored: --to is hashed with the pepper, so list shows masked addresses and keys.`;

const HEADER = 'channel\treason\tsuppressed at\taddress\tkey\ttenant';

function line(entry: Suppression): string {
  const until = entry.until ? ` until ${new Date(entry.until).toISOString()}` : '';
  return `${entry.channel}\t${entry.reason}\t${new Date(entry.at).toISOString()}${until}\t${entry.masked}\t${entry.key}\t${entry.tenant ?? '-'}`;
}

/** Runs one command; returns what to print (masked addresses only). Throws with USAGE on bad input. */
export async function runSuppressions(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...TABLE_OPTIONS,
      to: { type: 'string' },
      key: { type: 'string' },
      channel: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const [command] = positionals;
  if (values.help) return USAGE;
  if (!command || !['list', 'add', 'remove'].includes(command) || !values.table || positionals.length > 1)
    throw new Error(USAGE);
  if (values.channel !== undefined && !CHANNELS.includes(values.channel as Channel))
    throw new Error(`--channel must be email, sms, whatsapp or voice\n${USAGE}`);
  // A +… number is a phone; anything else an email (an explicit --channel wins).
  const channel = (values.channel ?? (values.to?.trim().startsWith('+') ? 'sms' : 'email')) as Channel;
  if (values.region) process.env.AWS_REGION = values.region;
  const db = createDocumentClient(values.endpoint);
  try {
    const store = new SuppressionStore(db, values.table);
    if (command === 'list') {
      const entries = await store.list();
      return entries.length ? [HEADER, ...entries.map(line)].join('\n') : 'no suppressions';
    }
    const target = await resolve(values, channel, command === 'remove', db, values.table);
    if (command === 'add') {
      await store.suppress({
        channel,
        key: target.key,
        reason: 'operator',
        at: Date.now(),
        masked: target.masked,
        source: 'admin',
      });
      return `suppressed ${channel} ${target.masked}`;
    }
    const removed = await store.remove(channel, target.key);
    return removed ? `removed ${channel} ${target.masked}` : `${channel} ${target.masked} was not suppressed`;
  } finally {
    db.destroy();
  }
}

/** The suppression key of `--to` (hashed with the pepper) or `--key` as given (remove only). */
async function resolve(
  values: { to?: string; key?: string; 'pepper-secret'?: string; region?: string },
  channel: Channel,
  keyAllowed: boolean,
  db: DynamoDBDocumentClient,
  table: string,
): Promise<{ key: string; masked: string }> {
  if (values.key && keyAllowed && !values.to)
    return { key: values.key, masked: `key ${values.key.slice(0, 8)}…` };
  if (!values.to) throw new Error(`--to is required\n${USAGE}`);
  const normalized = normalizedAddress(channel, values.to);
  if (!normalized) throw new Error(`--to is not a valid ${channel} address`);
  if (!process.env.PEPPER && !values['pepper-secret'])
    throw new Error(`--to needs the pepper: --pepper-secret <arn> (or PEPPER)\n${USAGE}`);
  const pepper = await readAdminPepper(values['pepper-secret'], values.region);
  const fingerprint = await comparePepperFingerprint(db, table, pepper);
  if (fingerprint === 'none')
    throw new Error(
      `${table} has no pepper fingerprint yet, so this pepper cannot be checked: run npm run tenants:load against ` +
        "the table with the deployment's pepper (it records the fingerprint; npm start does too), then retry",
    );
  if (fingerprint === 'mismatch')
    throw new Error(
      `this pepper is not the one ${table}'s tenants were loaded with (PEPPER#fingerprint differs): an address hashed ` +
        "with it would match no suppression. Use the stack's pepper secret (--pepper-secret); locally, the PEPPER " +
        'npm start was started with',
    );
  return { key: suppressionKey(pepper, channel, normalized), masked: maskAddress(channel, normalized) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runSuppressions(process.argv.slice(2)).then(
    (output) => process.stdout.write(`${output}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
