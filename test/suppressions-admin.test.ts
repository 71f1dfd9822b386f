// The suppressions command: a wrong pepper is refused against the table's fingerprint, the channel follows the
// address, the secret's region is found, list has headers, and an operator's suppression says so.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runSuppressions } from '../infra/admin/suppressions.ts';
import { pepperRegion } from '../infra/admin/table-access.ts';
import { recordPepperFingerprint } from '../lib/tenants/pepper-fingerprint.ts';
import { freshTable } from './helpers/table.ts';

const PEPPER = 'suppressions-test-pepper-0123456789abcdef';
let outerPepper: string | undefined;
beforeAll(() => {
  outerPepper = process.env.PEPPER;
  process.env.PEPPER = PEPPER;
});
afterAll(() => {
  if (outerPepper === undefined) delete process.env.PEPPER;
  else process.env.PEPPER = outerPepper;
});

const admin = (tableName: string, ...args: string[]) =>
  runSuppressions([...args, '--table', tableName, '--endpoint', inject('dynamodbEndpoint')]);

describe('npm run suppressions', () => {
  it('a table with no fingerprint says how to create one; a wrong pepper is refused, nothing written', async () => {
    const { tableName, db } = await freshTable();
    await expect(admin(tableName, 'add', '--to', 'x@example.com')).rejects.toThrow(
      /has no pepper fingerprint yet[\s\S]*npm run tenants:load/,
    );
    await recordPepperFingerprint(db, tableName, Buffer.from('the-deployment-pepper-0123456789abcdef'));
    await expect(admin(tableName, 'add', '--to', 'x@example.com')).rejects.toThrow(
      /this pepper is not the one .* were loaded with/,
    );
    expect(await admin(tableName, 'list')).toBe('no suppressions');
  });

  it('infers sms from a +… number, records the operator as the reason, and lists with headers', async () => {
    const { tableName, db } = await freshTable();
    await recordPepperFingerprint(db, tableName, Buffer.from(PEPPER));
    expect(await admin(tableName, 'add', '--to', '+8613800138000')).toBe('suppressed sms +86138****8000');
    expect(await admin(tableName, 'add', '--to', 'Held@Example.com')).toBe(
      'suppressed email h***@example.com',
    );
    const [header, ...rows] = (await admin(tableName, 'list')).split('\n');
    expect(header).toBe('channel\treason\tsuppressed at\taddress\tkey\ttenant');
    expect(rows).toHaveLength(2);
    expect(rows.some((row) => row.startsWith('sms\toperator\t') && row.includes('+86138****8000'))).toBe(
      true,
    );
    expect(rows.some((row) => row.startsWith('email\toperator\t') && row.includes('h***@example.com'))).toBe(
      true,
    );
    // --channel still overrides the inference (and validates the address for that channel).
    await expect(admin(tableName, 'add', '--to', '+8613800138000', '--channel', 'email')).rejects.toThrow(
      /not a valid email address/,
    );
    expect(await admin(tableName, 'remove', '--to', '+8613800138000')).toBe('removed sms +86138****8000');
  });

  it('an item written as "manual" before the rename reads as operator', async () => {
    const { tableName, db } = await freshTable();
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: 'SUPP#email#legacykey',
          sk: 'SUPP',
          reason: 'manual',
          at: 0,
          m: 'o***@example.com',
          source: 'admin',
        },
      }),
    );
    expect(await admin(tableName, 'list')).toContain(
      'email\toperator\t1970-01-01T00:00:00.000Z\to***@example.com',
    );
  });

  it('the pepper secret is read in --region, else AWS_REGION, else the region of its ARN', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CodegatePepper-AbCdEf';
    expect(pepperRegion(arn, 'us-east-2', { AWS_REGION: 'ap-south-1' })).toBe('us-east-2');
    expect(pepperRegion(arn, undefined, { AWS_REGION: 'ap-south-1' })).toBe('ap-south-1');
    expect(pepperRegion(arn, undefined, {})).toBe('eu-west-1');
    expect(pepperRegion('CodegatePepper', undefined, {})).toBeUndefined();
  });
});
