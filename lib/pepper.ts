// The deployment secret behind every keyed hash: from the environment locally, from Secrets Manager deployed.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Reads the pepper once per container; a missing or short secret fails the cold start. */
export async function readPepper(config: { PEPPER?: string; PEPPER_SECRET_ARN?: string }): Promise<Buffer> {
  if (config.PEPPER) return Buffer.from(config.PEPPER, 'utf8');
  const secrets = new SecretsManagerClient({});
  const { SecretString } = await secrets.send(
    new GetSecretValueCommand({ SecretId: config.PEPPER_SECRET_ARN }),
  );
  if (!SecretString || SecretString.length < 32)
    throw new Error('the pepper secret is missing or shorter than 32 chars');
  return Buffer.from(SecretString, 'utf8');
}
