// Infra: what a deploy reports (CloudFormation outputs): where to call, where to subscribe and put rules, what was
// declared (npm run verify:deployment compares), and what operators attach or load into.
import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type { StageThrottles } from './throttles.ts';

export interface StackOutputs {
  eventBusName: string;
  apiUrl: string;
  throttles: StageThrottles;
  tier: string;
  /** With `-c waf=true`: the CloudFront distribution's domain. */
  edgeDomain?: string;
  /** With `-c domainName=…`: the domain and what its DNS record must point at. */
  domain?: { name: string; target?: string };
  alarmTopicArn: string;
  adminPolicyArn: string;
  tableName: string;
}

/** The stack's outputs, each with what it is for. */
export function addOutputs(stack: Stack, outputs: StackOutputs): void {
  new CfnOutput(stack, 'EventBusName', {
    value: outputs.eventBusName,
    description: 'Lifecycle events (docs/events.md): put your rules on this bus',
  });
  new CfnOutput(stack, 'ApiUrl', { value: outputs.apiUrl, description: 'Base URL of the Codegate API' });
  const rateBurst = (throttle: { rateLimit: number; burstLimit: number }) =>
    `${throttle.rateLimit}/${throttle.burstLimit}`;
  const { throttles } = outputs;
  new CfnOutput(stack, 'StageThrottles', {
    value: JSON.stringify({
      default: rateBurst(throttles.defaultThrottle),
      ...Object.fromEntries([...throttles.routes].map(([name, throttle]) => [name, rateBurst(throttle)])),
    }),
    description:
      'The stage throttles this deploy declares (route name: rate/burst); npm run verify:deployment compares',
  });
  new CfnOutput(stack, 'MonitoringTier', {
    value: outputs.tier,
    description: 'The monitoring context: essential or full',
  });
  if (outputs.edgeDomain) {
    new CfnOutput(stack, 'EdgeUrl', {
      value: `https://${outputs.edgeDomain}/`,
      description: 'Base URL through CloudFront and WAF: apps use this, not ApiUrl (which answers 403)',
    });
  }
  if (outputs.domain?.target) {
    new CfnOutput(stack, 'CustomDomainTarget', {
      value: outputs.domain.target,
      description: `Point ${outputs.domain.name} here (CNAME or alias record)`,
    });
  }
  new CfnOutput(stack, 'AlarmTopicArn', {
    value: outputs.alarmTopicArn,
    description: 'Every alarm notifies this topic (subscribe with -c alarmEmail=… or add a subscription)',
  });
  new CfnOutput(stack, 'AdminPolicyArn', {
    value: outputs.adminPolicyArn,
    description: "Attach to the operators' role: what tenants:load, suppressions and verify:deployment call",
  });
  new CfnOutput(stack, 'TableName', {
    value: outputs.tableName,
    description: 'The DynamoDB table (load tenants into it with npm run tenants:load)',
  });
}
