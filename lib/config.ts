// Container configuration: read from the environment once and checked; a bad value fails the cold start.
// Checked by hand rather than with a schema library: seven variables do not justify loading one in every
// function's cold start.

export interface Config {
  TABLE_NAME: string;
  /** Any DynamoDB endpoint (DynamoDB Local in `npm start` and tests); absent in AWS. */
  DYNAMODB_ENDPOINT?: string;
  /** Deployed: the Secrets Manager secret holding the pepper. */
  PEPPER_SECRET_ARN?: string;
  /** Local only: the pepper itself (the local runtime generates one). */
  PEPPER?: string;
  /** `aws` sends through SES/SNS; `outbox` keeps messages in the local outbox. */
  DELIVERY: 'aws' | 'outbox';
  SES_CONFIGURATION_SET?: string;
  /**
   * Deployed with `-c waf=true`: the Secrets Manager secret CloudFront sends as the `X-Codegate-Edge` origin header;
   * when set, the functions answer only requests that carry it (lib/http/edge.ts). Absent: no edge, no check.
   */
  EDGE_SECRET_ARN?: string;
}

const DELIVERIES = ['aws', 'outbox'] as const;

const isUrl = (value: string) => {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
};

/** Parses the environment; throws one readable error naming every missing or bad variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const problem = (name: string, message: string) => problems.push(`✖ ${message}\n  → at ${name}`);
  const optional = (name: string, minLength: number) => {
    const value = env[name];
    if (value !== undefined && value.length < minLength)
      problem(name, `Too small: expected string to have >=${minLength} characters`);
    return value;
  };

  const table = env.TABLE_NAME;
  if (table === undefined) problem('TABLE_NAME', 'Invalid input: expected string, received undefined');
  else if (table.length < 3) problem('TABLE_NAME', 'Too small: expected string to have >=3 characters');
  const endpoint = env.DYNAMODB_ENDPOINT;
  if (endpoint !== undefined && !isUrl(endpoint)) problem('DYNAMODB_ENDPOINT', 'Invalid URL');
  const pepperArn = optional('PEPPER_SECRET_ARN', 1);
  const pepper = optional('PEPPER', 32);
  const delivery = env.DELIVERY ?? 'aws';
  if (!(DELIVERIES as readonly string[]).includes(delivery))
    problem('DELIVERY', `Invalid option: expected one of ${DELIVERIES.map((d) => `"${d}"`).join('|')}`);
  const configurationSet = optional('SES_CONFIGURATION_SET', 1);
  const edgeSecretArn = optional('EDGE_SECRET_ARN', 1);
  if (problems.length === 0 && !pepperArn && !pepper)
    problems.push('✖ set PEPPER_SECRET_ARN (deployed) or PEPPER (local)');
  if (problems.length > 0) throw new Error(`Codegate configuration is invalid:\n${problems.join('\n')}`);

  const config: Config = { TABLE_NAME: table as string, DELIVERY: delivery as Config['DELIVERY'] };
  if (endpoint !== undefined) config.DYNAMODB_ENDPOINT = endpoint;
  if (pepperArn !== undefined) config.PEPPER_SECRET_ARN = pepperArn;
  if (pepper !== undefined) config.PEPPER = pepper;
  if (configurationSet !== undefined) config.SES_CONFIGURATION_SET = configurationSet;
  if (edgeSecretArn !== undefined) config.EDGE_SECRET_ARN = edgeSecretArn;
  return config;
}
