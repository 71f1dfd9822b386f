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
import type { StackFacts } from './aws-resources.ts';
import { describeError } from './report.ts';

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

/** `--call`: the operator's number (E.164) and its country, and the stack's voice origination identity. */
export interface CallSettings {
  to: string;
  country: string;
  originationIdentity: string;
}

/** How many calls the temporary tenant may place: the run places one. */
const CALL_BUDGET = 1;

/**
 * A fresh tenant: random id, random native API key and Twilio auth token (only their SHA-256 in the
 * config, as for every tenant), one Twilio service with custom codes so the run can choose the code it
 * checks, and `from` as its mail sender; with `call`, a voice block that reaches only that number's
 * country, from the given identity, at most CALL_BUDGET calls a day. Parsed with the tenants schema, so it
 * is stored as the tenants loader would store it (defaults filled), through the loader's own item layout.
 */
export function buildTemporaryTenant(from: string, nowMs = Date.now(), call?: CallSettings): TemporaryTenant {
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
    ...(call
      ? {
          voice: {
            originationIdentity: call.originationIdentity,
            allowedCountries: [call.country],
            dailyBudget: CALL_BUDGET,
          },
        }
      : {}),
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
 * The stack's pepper (its Pepper secret), read with the run's Secrets Manager client (the same checks as
 * lib/pepper.ts), or why it cannot be read, as an Error naming the cause. Needed to name the suppression items
 * a run causes (a simulator address's, the --call number's), which are keyed by an HMAC of the address.
 */
export async function readStackPepper(
  secrets: SecretsManagerClient,
  stack: StackFacts,
): Promise<Buffer | Error> {
  const secretArn = stack.resources.find(
    (r) => r.type === 'AWS::SecretsManager::Secret' && r.logicalId.startsWith('Pepper'),
  )?.physicalId;
  try {
    if (!secretArn) throw new Error('the stack has no Pepper secret');
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!SecretString || SecretString.length < 32)
      throw new Error('the pepper secret is missing or shorter than 32 chars');
    return Buffer.from(SecretString, 'utf8');
  } catch (error) {
    return new Error(describeError(error));
  }
}

/**
 * Lifts the suppression of an email address (or, on `voice`, of a number), as `npm run suppressions -- remove`
 * does; true if there was one.
 */
export async function removeSuppression(
  db: DynamoDBDocumentClient,
  tableName: string,
  pepper: Buffer,
  address: string,
  channel: 'email' | 'voice' = 'email',
): Promise<boolean> {
  const normalized = normalizedAddress(channel, address);
  if (!normalized) throw new Error(`not an address of the ${channel} channel`);
  return new SuppressionStore(db, tableName).remove(channel, suppressionKey(pepper, channel, normalized));
}
