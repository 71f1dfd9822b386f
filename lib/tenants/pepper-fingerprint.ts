// The pepper's fingerprint in the table: lets an admin command tell the deployment's pepper from a wrong one before
// it hashes an address with it (a suppression keyed with another pepper matches nothing, and says so nowhere).
//
//   PEPPER#fingerprint / PEPPER     fp = HMAC-SHA256(pepper, "fingerprint") (base64url), at (ms)
//
// Written by every tenants sync that has the pepper (`tenants:load`, `npm start`); an HMAC under a 48-character
// random secret reveals nothing of it.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keyedHash } from '../crypto.ts';

/** The fingerprint item's key. */
export const FINGERPRINT_KEY = { pk: 'PEPPER#fingerprint', sk: 'PEPPER' } as const;

/** HMAC(pepper, "fingerprint"): equal for equal peppers, and no help in guessing one. */
export function pepperFingerprint(pepper: Buffer): string {
  return keyedHash(pepper, 'fingerprint');
}

/**
 * Records the pepper's fingerprint. Returns `recorded` (none before), `unchanged`, or `replaced` (another pepper's
 * was there: after a rotation, expected; otherwise the tenants were just sealed under a pepper the functions lack).
 */
export async function recordPepperFingerprint(
  db: DynamoDBDocumentClient,
  tableName: string,
  pepper: Buffer,
  now = Date.now(),
): Promise<'recorded' | 'unchanged' | 'replaced'> {
  const fp = pepperFingerprint(pepper);
  try {
    const { Attributes } = await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...FINGERPRINT_KEY, fp, at: now },
        ConditionExpression: 'attribute_not_exists(pk) OR fp <> :fp',
        ExpressionAttributeValues: { ':fp': fp },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes ? 'replaced' : 'recorded';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'unchanged';
    throw error;
  }
}

/** How the table's fingerprint compares with a pepper: `match`, `mismatch`, or `none` recorded yet. */
export async function comparePepperFingerprint(
  db: DynamoDBDocumentClient,
  tableName: string,
  pepper: Buffer,
): Promise<'match' | 'mismatch' | 'none'> {
  const { Item } = await db.send(
    new GetCommand({ TableName: tableName, Key: FINGERPRINT_KEY, ConsistentRead: true }),
  );
  if (typeof Item?.fp !== 'string') return 'none';
  return Item.fp === pepperFingerprint(pepper) ? 'match' : 'mismatch';
}
