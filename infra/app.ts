// Infra: the CDK app — one env-agnostic Codegate stack, checked by cdk-nag's AWS Solutions pack at synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CodegateStack, stackNameOf } from './stack.ts';

const app = new App();
// `-c stackName=codegate-staging` deploys another copy beside the first: nothing has a fixed physical name.
new CodegateStack(app, stackNameOf(app), {
  description: 'Codegate: serverless verification codes (six wire-compatible dialects and a native API)',
});
// cdk-nag 3 runs as a synthesis validation plugin: any unacknowledged finding fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
app.synth();
