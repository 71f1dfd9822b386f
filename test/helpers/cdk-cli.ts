// The CDK CLI as ops run it (`npx cdk …` in the project), with no AWS credentials or profile: synth must not need
// an account.
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../infra/service-function.ts';

/** Runs `npx cdk …args` in the project; resolves with the exit code and stdout and stderr together. */
export function runCdk(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['cdk', ...args], {
      cwd: PROJECT_ROOT,
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_'))),
        CDK_DISABLE_VERSION_CHECK: '1',
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (exitCode) => resolve({ code: exitCode, output }));
  });
}
