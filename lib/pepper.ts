// The deployment's secrets behind every keyed hash and the edge's origin header: from the environment locally, from
// Secrets Manager deployed, read once per container.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * A secret's string as bytes: `value` when given (local), else the Secrets Manager secret `arn`. A missing or short
 * secret throws, naming it, so the cold start fails instead of serving with a weak key.
 */
export async function readSecret(secret: {
  name: string;
  value?: string;
  arn?: string;
  minLength: number;
}): Promise<Buffer> {
  let text = secret.value;
  if (!text) {
    const secrets = new SecretsManagerClient({});
    ({ SecretString: text } = await secrets.send(new GetSecretValueCommand({ SecretId: secret.arn })));
  }
  if (!text || text.length < secret.minLength)
    throw new Error(`the ${secret.name} secret is missing or shorter than ${secret.minLength} chars`);
  return Buffer.from(text, 'utf8');
}

/** Reads the pepper once per container; a missing or short secret fails the cold start. */
export function readPepper(config: { PEPPER?: string; PEPPER_SECRET_ARN?: string }): Promise<Buffer> {
  return readSecret({ name: 'pepper', value: config.PEPPER, arn: config.PEPPER_SECRET_ARN, minLength: 32 });
}
