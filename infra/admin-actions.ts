// Infra: what the admin commands (tenants:load, suppressions, verify:deployment) call on AWS, by statement of the
// operators' policy (infra/admin-policy.ts) — no CDK here, so an admin command can name what it needs without
// loading the CDK.

/** What the admin commands call, by statement (docs/deploy.md shows the same document for copying by hand). */
export const ADMIN_ACTIONS = {
  table: [
    'dynamodb:Scan',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:DescribeTable',
  ],
  pepper: ['secretsmanager:GetSecretValue'],
  verifyRead: [
    'cloudformation:DescribeStacks',
    'cloudformation:ListStackResources',
    'cloudwatch:DescribeAlarms',
    'cloudwatch:ListMetrics',
    'pipes:DescribePipe',
    'apigateway:GET',
  ],
  /** Only in a stack with WhatsApp (`-c channels=whatsapp`): the verifier's `whatsapp-events` read. */
  verifyWhatsApp: ['social-messaging:ListLinkedWhatsAppBusinessAccounts'],
  verifyProbes: [
    'cloudwatch:PutMetricAlarm',
    'cloudwatch:SetAlarmState',
    'cloudwatch:DeleteAlarms',
    'sqs:CreateQueue',
    'sqs:DeleteQueue',
    'sqs:GetQueueAttributes',
    'sqs:SetQueueAttributes',
    'sqs:ReceiveMessage',
    'events:PutRule',
    'events:PutTargets',
    'events:RemoveTargets',
    'events:DeleteRule',
  ],
  alarmTopic: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:ConfirmSubscription'],
  /**
   * Only in a stack with calls: tenants:load reads each tenant's origination identity and configuration set, and
   * `verify:deployment --call` the `--call-from` identity.
   */
  tenantsVoice: [
    'sms-voice:DescribePhoneNumbers',
    'sms-voice:DescribePools',
    'sms-voice:ListPoolOriginationIdentities',
    'sms-voice:DescribeConfigurationSets',
  ],
  /** Only in a stack with WhatsApp: tenants:load reads each tenant's number and its account's templates. */
  tenantsWhatsApp: [
    'social-messaging:GetLinkedWhatsAppBusinessAccountPhoneNumber',
    'social-messaging:ListWhatsAppMessageTemplates',
  ],
} as const;

/** The name prefix of everything `npm run verify:deployment` creates and removes. */
export const VERIFIER_PREFIX = 'codegate-verifier-';
