// Infra: the CDK app — one env-agnostic Codegate stack, checked by cdk-nag's AWS Solutions pack at synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CodegateStack, stackNameOf } from './stack.ts';

// No construct stack traces in the assembly: the CLI would print one beside each warning (`infra/stack.ts:152:28`).
const app = new App({ stackTraces: false });
try {
  // `-c stackName=codegate-staging` deploys another copy beside the first: nothing has a fixed physical name.
  new CodegateStack(app, stackNameOf(app), {
    description: 'Codegate: serverless verification codes (six wire-compatible dialects and a native API)',
  });
} catch (error) {
  // A refused context (or any other construction error) is one line naming the cause, not a Node stack trace.
  console.error(`codegate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
// cdk-nag 3 runs as a synthesis validation plugin: any unacknowledged finding fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
app.synth();
