// Admin commands: what the commands that work on a deployed table share — its options (`--table`, `--endpoint`,
// `--region`, `--pepper-secret`) and reading the pepper, from PEPPER or the secret in its region.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The `parseArgs` options of the table and its pepper. */
export const TABLE_OPTIONS = {
  table: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'pepper-secret': { type: 'string' },
} as const;

/**
 * The region to read the pepper secret in: `--region`, else AWS_REGION / AWS_DEFAULT_REGION, else the ARN's own
 * (`arn:aws:secretsmanager:<region>:…`), so that a full ARN works with no region configured at all.
 */
export function pepperRegion(arn: string, region: string | undefined, env = process.env): string | undefined {
  return (
    region || env.AWS_REGION || env.AWS_DEFAULT_REGION || /^arn:[^:]+:secretsmanager:([^:]+):/.exec(arn)?.[1]
  );
}

/** The pepper: PEPPER, else the secret (in its region); a missing or short one is refused. */
export async function readAdminPepper(arn: string | undefined, region: string | undefined): Promise<Buffer> {
  let text = process.env.PEPPER;
  if (!text && arn) {
    const where = pepperRegion(arn, region);
    if (!where)
      throw new Error('--pepper-secret needs a region: --region <region>, AWS_REGION, or a full secret ARN');
    const secrets = new SecretsManagerClient({ region: where });
    try {
      ({ SecretString: text } = await secrets.send(new GetSecretValueCommand({ SecretId: arn })));
    } finally {
      secrets.destroy();
    }
  }
  if (!text || text.length < 32) throw new Error('the pepper is missing or shorter than 32 characters');
  return Buffer.from(text, 'utf8');
}
