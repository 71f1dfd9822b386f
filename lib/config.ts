// Container configuration: read from the environment once, validated with zod; a bad value fails the cold start.
import * as z from 'zod';

const configSchema = z
  .object({
    TABLE_NAME: z.string().min(3),
    /** Any DynamoDB endpoint (DynamoDB Local in `npm start` and tests); absent in AWS. */
    DYNAMODB_ENDPOINT: z.url().optional(),
    /** Deployed: the Secrets Manager secret holding the pepper. */
    PEPPER_SECRET_ARN: z.string().min(1).optional(),
    /** Local only: the pepper itself (the local runtime generates one). */
    PEPPER: z.string().min(32).optional(),
    /** `aws` sends through SES/SNS; `outbox` keeps messages in the local outbox. */
    DELIVERY: z.enum(['aws', 'outbox']).default('aws'),
    SES_CONFIGURATION_SET: z.string().min(1).optional(),
  })
  .refine((env) => env.PEPPER_SECRET_ARN || env.PEPPER, {
    message: 'set PEPPER_SECRET_ARN (deployed) or PEPPER (local)',
  });

export type Config = z.infer<typeof configSchema>;

/** Parses the environment; throws one readable error naming every missing or bad variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success)
    throw new Error(`Codegate configuration is invalid:\n${z.prettifyError(result.error)}`);
  return result.data;
}
