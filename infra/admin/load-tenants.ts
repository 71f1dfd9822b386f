// Admin command: validates a tenants file and makes a Codegate table's tenants match it (local or deployed).
//   npm run tenants:load -- --file tenants.json --table <TableName> --pepper-secret <arn> [--endpoint http://127.0.0.1:8000] [--region eu-west-1] [--dry-run]
import { parseArgs } from 'node:util';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SocialMessagingClient } from '@aws-sdk/client-socialmessaging';
import { readPepper } from '../../lib/pepper.ts';
import { createDocumentClient } from '../../lib/store/client.ts';
import { formatProblems, tenantsProblems } from '../../lib/tenants/checks.ts';
import { loadTenantsFile } from '../../lib/tenants/load.ts';
import { type Tenant, tenantSchema } from '../../lib/tenants/schema.ts';
import { formatChanges, syncTenants } from '../../lib/tenants/sync.ts';
import { providerProblems } from './provider-settings.ts';
import { TABLE_OPTIONS } from './table-access.ts';

export const USAGE = `usage: npm run tenants:load -- --file <tenants.json> --table <TableName> [options]

Makes the table's tenants match the file: new and changed tenants and aliases are written; API keys,
hosts, userDomains, clientIds and tenants no longer in the file are deleted. Running services notice
within their tenant cache time (60 s). A tenant that would fail at run time is refused, naming the
field (docs/tenants.md). Loading also records the pepper's fingerprint (npm run suppressions checks it).
With --table (and no --endpoint), WhatsApp and call settings are checked against the account's End User
Messaging in the region: the numbers, pool, configuration set and Meta-approved templates they name.

  --file <path>      the tenants file (required)
  --table <name>     the Codegate table (required, except for --dry-run without a table)
  --endpoint <url>   a DynamoDB endpoint other than AWS's (e.g. DynamoDB Local); not a deployment,
                     so WhatsApp and call settings are not checked against AWS
  --region <region>  the AWS region of the table
  --link-base-url <url>
                     mail.linkBaseUrl for every tenant that names none (the API's base URL:
                     the custom domain or the ApiUrl output); a tenant reachable by host
                     (AnqiCMS mails links) is refused without one
  --pepper-secret <arn>
                     the stack's pepper secret (or set PEPPER): tenant secrets and accounts are
                     stored sealed under it; needed with --table
  --dry-run          print the changes (per field, secrets masked) without writing;
                     without --table, only validate the file
  --help             show this text`;

/** `--link-base-url`, checked as the schema checks `mail.linkBaseUrl`. */
function linkBase(value: string | boolean | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = tenantSchema.shape.mail.shape.linkBaseUrl.safeParse(value);
  if (!parsed.success)
    throw new UsageError(`--link-base-url must be an http(s) URL without query or fragment`);
  return parsed.data;
}

/** Tenants with `linkBaseUrl` as their `mail.linkBaseUrl` where they name none. */
function withLinkBase(tenants: Tenant[], linkBaseUrl: string | undefined): Tenant[] {
  if (!linkBaseUrl) return tenants;
  return tenants.map((tenant) => ({
    ...tenant,
    mail: { ...tenant.mail, linkBaseUrl: tenant.mail.linkBaseUrl ?? linkBaseUrl },
  }));
}

/**
 * A deployment's load: the tenants' WhatsApp and call settings checked against End User Messaging in the table's
 * region (--region, else the SDK's: AWS_REGION, the profile), refused as the file's own problems are.
 */
async function checkMessagingSettings(file: string, tenants: Tenant[]): Promise<void> {
  const clients = { smsVoice: new PinpointSMSVoiceV2Client({}), social: new SocialMessagingClient({}) };
  try {
    const region = await clients.smsVoice.config.region().catch(() => undefined);
    if (!region)
      throw new UsageError(
        "the tenants' WhatsApp and call settings are checked in the table's region: give --region <region> (or AWS_REGION)",
      );
    const found = await providerProblems(tenants, clients, region);
    if (found.length > 0)
      throw new Error(`${file}: these tenants would fail at run time:\n${formatProblems(found)}`);
  } finally {
    clients.smsVoice.destroy();
    clients.social.destroy();
  }
}

/** A refusal of the command line itself: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** Runs the command; returns what to print (no secrets). Throws UsageError or the file's problems. */
export async function loadTenants(argv: string[]): Promise<string> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        ...TABLE_OPTIONS,
        file: { type: 'string' },
        'link-base-url': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return USAGE;
  const file = typeof values.file === 'string' ? values.file : undefined;
  const table = typeof values.table === 'string' ? values.table : undefined;
  const dryRun = values['dry-run'] === true;
  if (!file) throw new UsageError('missing required option --file <tenants.json>');
  if (!table && !dryRun) throw new UsageError('missing required option --table <TableName>');

  const linkBaseUrl = linkBase(values['link-base-url']);
  // Parsed and checked as for the local runtime, then with the link base filled as the deployment will see it.
  const tenants = withLinkBase((await loadTenantsFile(file, { target: 'local' })).tenants, linkBaseUrl);
  const problems = tenantsProblems(tenants, undefined, { target: 'deployment' });
  if (problems.length > 0)
    throw new Error(`${file}: these tenants would fail at run time:\n${formatProblems(problems)}`);
  const ids = tenants.map((tenant) => tenant.id).join(', ');
  if (!table) return `valid: ${tenants.length} tenant(s): ${ids}`;
  if (typeof values.region === 'string') process.env.AWS_REGION = values.region;
  const endpoint = typeof values.endpoint === 'string' ? values.endpoint : undefined;
  const pepperSecret = typeof values['pepper-secret'] === 'string' ? values['pepper-secret'] : undefined;
  if (!process.env.PEPPER && !pepperSecret)
    throw new UsageError('--table needs the pepper: --pepper-secret <arn> (or PEPPER)');
  const messaging = tenants.some((tenant) => tenant.whatsapp || tenant.voice);
  if (messaging && !endpoint) await checkMessagingSettings(file, tenants);
  const pepper = await readPepper({ PEPPER: process.env.PEPPER, PEPPER_SECRET_ARN: pepperSecret });
  const db = createDocumentClient(endpoint);
  try {
    const changes = await syncTenants(db, table, tenants, { pepper, dryRun });
    const list = changes.length > 0 ? `\n${formatChanges(changes)}` : '';
    const verb = dryRun ? 'would change' : 'synced';
    const unchecked =
      messaging && endpoint
        ? '\nWhatsApp and call settings not checked against AWS End User Messaging (--endpoint: not a deployment)'
        : '';
    return `${verb} ${tenants.length} tenant(s) in ${table}: ${ids} (${changes.length} change(s))${list}${unchecked}`;
  } finally {
    db.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  loadTenants(process.argv.slice(2)).then(
    (summary) => process.stdout.write(`${summary}\n`),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof UsageError) {
        process.stderr.write(`tenants:load: ${message}\n\n${USAGE}\n`);
        process.exit(2);
      }
      process.stderr.write(`${message}\n`);
      process.exit(1);
    },
  );
}
