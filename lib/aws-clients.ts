// Settings every AWS SDK client shares: bounded time per attempt and a bounded number of attempts, so a
// hung dependency ends inside the Lambda's 10 s as the dialect's busy / sending-exception answer (and the
// code is withdrawn), never as a gateway timeout with the recipient locked out by the cooldown.
// `throwOnRequestTimeout`: without it the SDK only logs a warning when `requestTimeout` passes.

/** DynamoDB answers in milliseconds; a second per attempt is generous, three attempts at most. */
export const DATABASE_CLIENT = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 1_000, throwOnRequestTimeout: true },
} as const;

/** SES and SNS: two attempts of at most 2.5 s each. */
export const PROVIDER_CLIENT = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_500, throwOnRequestTimeout: true },
} as const;
