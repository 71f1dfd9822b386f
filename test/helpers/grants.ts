// Test helper for the grants-from-behaviour suite: AWS commands as the IAM actions they need, the actions
// a synthesized role is granted, and the comparison of the two (reusable for any route or consumer).

/**
 * The services whose grants are compared with recorded behaviour. `logs:` is not here: the Lambda
 * service writes the function's logs with the role, the code never calls CloudWatch Logs itself.
 */
export const COMPARED_SERVICES = [
  'dynamodb',
  'ses',
  'sns',
  'secretsmanager',
  'social-messaging',
  'sms-voice',
] as const;

const SERVICE_OF_CLIENT: Record<string, string> = {
  DynamoDBClient: 'dynamodb',
  SESClient: 'ses',
  SNSClient: 'sns',
  SecretsManagerClient: 'secretsmanager',
  SocialMessagingClient: 'social-messaging',
  PinpointSMSVoiceV2Client: 'sms-voice',
};

/** The IAM action each per-item entry of a TransactWriteItems needs (the transaction has no action of its own). */
const TRANSACT_ITEM_ACTION: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/**
 * The IAM actions one SDK command needs. `TransactWriteItems` expands into its items' actions and
 * `TransactGetItems` into GetItem (IAM authorizes transactions per item); every other command maps to
 * `<service>:<Operation>`.
 */
export function actionsOfCommand(clientName: string, commandName: string, input: unknown): string[] {
  const service = SERVICE_OF_CLIENT[clientName];
  if (!service) throw new Error(`unknown AWS client ${clientName}: add it to SERVICE_OF_CLIENT`);
  const operation = commandName.replace(/Command$/, '');
  if (service === 'dynamodb' && operation === 'TransactWriteItems') {
    const items = (input as { TransactItems?: Record<string, unknown>[] }).TransactItems ?? [];
    return items.flatMap((item) =>
      Object.keys(item).map((kind) => {
        const action = TRANSACT_ITEM_ACTION[kind];
        if (!action) throw new Error(`unknown transaction item kind ${kind}`);
        return action;
      }),
    );
  }
  if (service === 'dynamodb' && operation === 'TransactGetItems') return ['dynamodb:GetItem'];
  return [`${service}:${operation}`];
}

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
}

/**
 * The actions of the compared services that these statements allow (to some resource). A Deny removes
 * an action only when it denies it on every resource (`*`); a Deny scoped to some ARNs (like SNS topics)
 * leaves the action usable elsewhere and is checked by the infra tests instead.
 */
export function grantedActions(statements: readonly Statement[]): Set<string> {
  const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
  const compared = (action: string) => COMPARED_SERVICES.some((service) => action.startsWith(`${service}:`));
  const allowed = new Set(
    statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action).filter(compared)),
  );
  for (const statement of statements.filter((s) => s.Effect === 'Deny')) {
    if (JSON.stringify(statement.Resource) === '"*"' || JSON.stringify(statement.Resource) === '["*"]')
      for (const action of list(statement.Action)) allowed.delete(action);
  }
  return allowed;
}

export interface GrantComparison {
  /** Sent by the code on some path, not granted: denied on AWS (the "busy" answer of issue 9). */
  missing: string[];
  /** Granted, but no path sends it: more privilege than the behaviour needs. */
  unused: string[];
}

/** Compares what a function's paths sent with what its role is granted. */
export function compareGrants(used: Iterable<string>, granted: Iterable<string>): GrantComparison {
  const usedSet = new Set(used);
  const grantedSet = new Set(granted);
  return {
    missing: [...usedSet].filter((action) => !grantedSet.has(action)).sort(),
    unused: [...grantedSet].filter((action) => !usedSet.has(action)).sort(),
  };
}

/** The key family of a partition key: what stands before its first `#` (`ADDR#demo#…` → `ADDR`). */
export const familyOf = (pk: string): string => pk.split('#')[0] ?? pk;

/**
 * The partition keys one DynamoDB command touches, as IAM's `dynamodb:LeadingKeys` sees them: the `pk` of its
 * Key or Item, of each transaction item, and the value a Query's key condition names.
 */
export function partitionKeysOfCommand(commandName: string, input: unknown): string[] {
  type Keyed = { Key?: { pk?: unknown }; Item?: { pk?: unknown } };
  const operation = commandName.replace(/Command$/, '');
  const keyOf = (part: Keyed | undefined) => part?.Key?.pk ?? part?.Item?.pk;
  const one = input as Keyed & {
    TransactItems?: Record<string, Keyed>[];
    KeyConditionExpression?: string;
    ExpressionAttributeValues?: Record<string, unknown>;
  };
  const found: unknown[] =
    operation === 'TransactWriteItems' || operation === 'TransactGetItems'
      ? (one.TransactItems ?? []).flatMap((item) => Object.values(item).map(keyOf))
      : operation === 'Query'
        ? [one.ExpressionAttributeValues?.[/pk = (:\w+)/.exec(one.KeyConditionExpression ?? '')?.[1] ?? '']]
        : [keyOf(one)];
  return found.map((pk) => {
    if (typeof pk !== 'string') throw new Error(`${operation} names no string partition key`);
    return pk;
  });
}
