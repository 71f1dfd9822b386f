// Deployment verifier: the temporary tenant that gives a run its API credential (written as every tenant is,
// only hashes of its key and token stored, expiring on its own), and the pepper-keyed suppression cleanup.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomHex, randomToken, sha256Hex } from '../../../lib/crypto.ts';
import { SuppressionStore } from '../../../lib/store/suppressions.ts';
import { TABLE } from '../../../lib/store/table.ts';
import { normalizedAddress, suppressionKey } from '../../../lib/suppression/key.ts';
import { type Tenant, tenantSchema } from '../../../lib/tenants/schema.ts';
import { desiredItems } from '../../../lib/tenants/sync.ts';
import type { TwilioCredentials } from './api-client.ts';

/** Every temporary tenant's id starts with this, so a crashed run's leftovers are recognisable. */
export const TENANT_PREFIX = 'verifier-';

/** The tenant's items expire (table TTL) this long after they are written, even if no cleanup ran. */
export const TENANT_TTL_SECONDS = 2 * 3600;

/** A run's tenant with its credentials in clear (never printed, never stored) and its table items. */
export interface TemporaryTenant {
  tenant: Tenant;
  apiKey: string;
  twilio: TwilioCredentials;
  /** Config item first, then alias items: the order they are written in (and deleted in reverse). */
  items: Record<string, unknown>[];
}

/**
 * A fresh tenant: random id, random native API key and Twilio auth token (only their SHA-256 in the
 * config, as for every tenant), one Twilio service with custom codes so the run can choose the code it
 * checks, and `from` as its mail sender. Parsed with the tenants schema, so it is stored as the tenants
 * loader would store it (defaults filled), through the loader's own item layout.
 */
export function buildTemporaryTenant(from: string, nowMs = Date.now()): TemporaryTenant {
  const apiKey = `cgv_${randomToken(32)}`;
  const twilio = {
    accountSid: `AC${randomHex(16)}`,
    authToken: randomHex(32),
    serviceSid: `VA${randomHex(16)}`,
  };
  const tenant = tenantSchema.parse({
    id: `${TENANT_PREFIX}${randomHex(6)}`,
    appName: 'Codegate deployment verifier',
    apiKeySha256: [sha256Hex(apiKey)],
    mail: { from },
    twilio: {
      accounts: [{ accountSid: twilio.accountSid, authTokenSha256: sha256Hex(twilio.authToken) }],
      services: [
        { sid: twilio.serviceSid, friendlyName: 'Codegate verifier', codeLength: 6, customCodeEnabled: true },
      ],
    },
  });
  const expires = Math.floor(nowMs / 1000) + TENANT_TTL_SECONDS;
  const items = [...desiredItems([tenant]).values()].map((item) => ({
    ...item,
    [TABLE.ttlAttribute]: expires,
  }));
  return { tenant, apiKey, twilio, items };
}

const keyOf = (item: Record<string, unknown>) => ({
  [TABLE.partitionKey]: item[TABLE.partitionKey],
  [TABLE.sortKey]: item[TABLE.sortKey],
});

/**
 * Writes the tenant's items, config first (an alias never points at a missing config). Each write is
 * conditional: a run never overwrites an item it did not create. `onWritten` is told of each item as
 * soon as it exists, so cleanup covers a write that fails halfway.
 */
export async function writeTemporaryTenant(
  db: DynamoDBDocumentClient,
  tableName: string,
  temporary: TemporaryTenant,
  onWritten: (item: Record<string, unknown>) => void,
): Promise<void> {
  for (const item of temporary.items) {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      }),
    );
    onWritten(item);
  }
}

/** Deletes one of the tenant's items (cleanup deletes aliases before the config: newest first). */
export async function deleteTenantItem(
  db: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
): Promise<void> {
  await db.send(new DeleteCommand({ TableName: tableName, Key: keyOf(item) }));
}

/** What an item is, for the cleanup line (never a key hash in full). */
export function describeItem(item: Record<string, unknown>): string {
  const pk = String(item[TABLE.partitionKey]);
  return pk.startsWith('TENANT#apiKey#') ? 'tenant item TENANT#apiKey#…' : `tenant item ${pk}`;
}

/**
 * The stack's pepper, read with the run's Secrets Manager client (the same checks as lib/pepper.ts). Needed
 * to name a simulator address's suppression item, which is keyed by an HMAC of the address.
 */
export async function readStackPepper(secrets: SecretsManagerClient, secretArn: string): Promise<Buffer> {
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!SecretString || SecretString.length < 32)
    throw new Error('the pepper secret is missing or shorter than 32 chars');
  return Buffer.from(SecretString, 'utf8');
}

/** Lifts the suppression of an email address, as `npm run suppressions -- remove` does; true if there was one. */
export async function removeSuppression(
  db: DynamoDBDocumentClient,
  tableName: string,
  pepper: Buffer,
  address: string,
): Promise<boolean> {
  const normalized = normalizedAddress('email', address);
  if (!normalized) throw new Error('not an email address');
  return new SuppressionStore(db, tableName).remove('email', suppressionKey(pepper, 'email', normalized));
}
