// The single table's shape: one definition used by the CDK stack, the local runtime and the tests.

/** Partition and sort key attribute names, and the TTL attribute (epoch seconds). */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
} as const;

/** The CreateTable input for DynamoDB Local / any DynamoDB (the CDK stack declares the same keys). */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    AttributeDefinitions: [
      { AttributeName: TABLE.partitionKey, AttributeType: 'S' as const },
      { AttributeName: TABLE.sortKey, AttributeType: 'S' as const },
    ],
    // Lifecycle events are derived from the stream (lib/events/); the stack enables the same view.
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const },
  };
}

/**
 * Every partition-key family: what a `pk` holds before its first `#`. IAM confines each function's item actions
 * to its route's families (`dynamodb:LeadingKeys`, infra/service-function.ts); test/grants.test.ts records the
 * keys each function really touches and compares.
 */
export const KEY_FAMILIES = [
  'ADDR',
  'CAPTCHA',
  'CAPTCHA_PASS',
  'CTR',
  'EXT',
  'GUARD',
  'IDEM',
  'NONCE',
  'SUPP',
  'TENANT',
  'TSVC',
] as const;
export type KeyFamily = (typeof KEY_FAMILIES)[number];
