// Test helper: the service-to-service edges of a synthesized template, found from the template itself (routes,
// alarm actions, rule targets, pipes), each as a request for test/helpers/iam-edges.ts to decide.
import {
  attachedPolicyOf,
  type Decision,
  decide,
  FAKE,
  identityPoliciesOf,
  idsOfType,
  lambdaPolicyOf,
  logicalIdOf,
  type Request,
  type Resources,
  resolver,
} from './iam-edges.ts';

/** One request across an edge: `to` names the resource for messages, `expect` defaults to Allowed. */
export interface Edge extends Request {
  to: string;
  expect?: Decision;
}

/** A resource's construct path without the stack and `/Resource` (`Monitoring/AlarmTopic`), else its id. */
export const nameOf = (resources: Resources, id: string) =>
  String((resources[id] as any)?.Metadata?.['aws:cdk:path'] ?? id)
    .replace(/^[^/]+\//, '')
    .replace(/\/Resource$/, '');

/**
 * Decides every edge; returns one line per decision other than the expected one, e.g.
 * `cloudwatch.amazonaws.com → sns:Publish on Monitoring/AlarmTopic: ImplicitlyDenied` (so [] is a pass).
 */
export async function check(resources: Resources, edges: Edge[]): Promise<string[]> {
  const wrong: string[] = [];
  for (const edge of edges) {
    const decision = await decide(edge);
    if (decision !== (edge.expect ?? 'Allowed'))
      wrong.push(`${edge.principal} → ${edge.action} on ${nameOf(resources, edge.to)}: ${decision}`);
  }
  return wrong;
}

const must = (ok: boolean, message: string) => {
  if (!ok) throw new Error(message);
};
const queueUrl = (queueArn: string) =>
  `https://sqs.${FAKE.region}.amazonaws.com/${FAKE.account}/${queueArn.split(':')[5]}`;
/** A queue send across the queue's own policy (its enforceSSL Deny included). */
const queueSend = (resources: Resources, resolve: (v: unknown) => any, dlq: unknown) => ({
  to: logicalIdOf(dlq),
  action: 'sqs:SendMessage',
  resource: resolve(dlq) as string,
  resourcePolicy: attachedPolicyOf(resources, 'AWS::SQS::QueuePolicy', queueUrl(resolve(dlq)), resolve),
});
const invoke = (resources: Resources, resolve: (v: unknown) => any, fn: unknown) => ({
  to: logicalIdOf(fn),
  action: 'lambda:InvokeFunction',
  resource: resolve(fn) as string,
  resourcePolicy: lambdaPolicyOf(resources, resolve(fn), resolve),
});

/**
 * Every HTTP API route: API Gateway invoking the route's integration function with the source ARN that route
 * carries (an HTTP API puts the route's path template in it: `…/$default/GET/v1/verifications/{id}`), and the
 * same from another API, which must be refused.
 */
export function routeEdges(resources: Resources): Edge[] {
  const resolve = resolver(resources);
  const [stageId] = idsOfType(resources, 'AWS::ApiGatewayV2::Stage');
  const stage = resources[stageId ?? '']?.Properties?.StageName;
  return idsOfType(resources, 'AWS::ApiGatewayV2::Route').flatMap((id) => {
    const p = resources[id]?.Properties ?? {};
    const integration = resources[String(resolve(p.Target)).replace(/^integrations\//, '')]?.Properties;
    must(integration?.IntegrationType === 'AWS_PROXY', `${id} is not a Lambda proxy integration`);
    const [method, path] = String(p.RouteKey).split(' ');
    const source = (api: string) =>
      `arn:aws:execute-api:${FAKE.region}:${FAKE.account}:${api}/${stage}/${method}${path}`;
    const request = {
      principal: 'apigateway.amazonaws.com',
      ...invoke(resources, resolve, integration?.IntegrationUri),
    };
    return [
      { ...request, context: { 'aws:SourceArn': source(resolve(p.ApiId)) } },
      { ...request, context: { 'aws:SourceArn': source('otherapi01') }, expect: 'ImplicitlyDenied' as const },
    ];
  });
}

/** Every alarm action: CloudWatch publishing to the topic for that alarm of this account, over TLS. */
export function alarmEdges(resources: Resources): Edge[] {
  const resolve = resolver(resources);
  return idsOfType(resources, 'AWS::CloudWatch::Alarm').flatMap((id) => {
    const p = resources[id]?.Properties ?? {};
    const alarmArn = `arn:aws:cloudwatch:${FAKE.region}:${FAKE.account}:alarm:${resolve(p.AlarmName ?? id)}`;
    const actions = [...(p.AlarmActions ?? []), ...(p.OKActions ?? []), ...(p.InsufficientDataActions ?? [])];
    return actions.map((action: unknown) => {
      const topic = logicalIdOf(action);
      must(resources[topic]?.Type === 'AWS::SNS::Topic', `${id} acts on ${topic}, not a topic`);
      // An encrypted topic adds a key-policy edge this helper does not evaluate.
      must(!resources[topic]?.Properties?.KmsMasterKeyId, `${topic} is encrypted with a key`);
      const topicArn = resolve(action) as string;
      return {
        to: topic,
        principal: 'cloudwatch.amazonaws.com',
        action: 'sns:Publish',
        resource: topicArn,
        resourcePolicy: attachedPolicyOf(resources, 'AWS::SNS::TopicPolicy', topicArn, resolve),
        context: { 'aws:SourceArn': alarmArn, 'aws:SourceAccount': FAKE.account },
      };
    });
  });
}

/** Every EventBridge rule target (a function) and its dead-letter queue; the same from another rule is refused. */
export function ruleEdges(resources: Resources): Edge[] {
  const resolve = resolver(resources);
  return idsOfType(resources, 'AWS::Events::Rule').flatMap((rule) => {
    const ruleArn = resolve({ 'Fn::GetAtt': [rule, 'Arn'] }) as string;
    const from = (arn: string) => ({ principal: 'events.amazonaws.com', context: { 'aws:SourceArn': arn } });
    return (resources[rule]?.Properties?.Targets ?? []).flatMap((target: any) => {
      must(/^arn:aws:lambda:/.test(resolve(target.Arn)), `${rule} targets ${target.Arn}: add its edge`);
      const requests = [invoke(resources, resolve, target.Arn)];
      if (target.DeadLetterConfig) requests.push(queueSend(resources, resolve, target.DeadLetterConfig.Arn));
      return requests.flatMap((request) => [
        { ...request, ...from(ruleArn) },
        { ...request, ...from(`${ruleArn}-other`), expect: 'ImplicitlyDenied' as const },
      ]);
    });
  });
}

/**
 * Every pipe: Pipes assuming its role (this account, this pipe), then the role reading the DynamoDB stream,
 * invoking the enrichment, putting on the target bus and dead-lettering into the queue (through the queue's
 * policy: its enforceSSL Deny must spare these TLS calls); writing the table or the default bus is refused.
 */
export function pipeEdges(resources: Resources): Edge[] {
  const resolve = resolver(resources);
  return idsOfType(resources, 'AWS::Pipes::Pipe').flatMap((pipe) => {
    const p = resources[pipe]?.Properties ?? {};
    const roleId = logicalIdOf(p.RoleArn);
    const role = { principal: resolve(p.RoleArn), identity: identityPoliciesOf(resources, roleId, resolve) };
    const stream = resolve(p.Source) as string;
    const target = resolve(p.Target) as string;
    const dlq = p.SourceParameters?.DynamoDBStreamParameters?.DeadLetterConfig?.Arn;
    must(/^arn:aws:dynamodb:.*\/stream\//.test(stream), `${pipe} reads ${stream}: add its edge`);
    must(/^arn:aws:events:.*:event-bus\//.test(target), `${pipe} targets ${target}: add its edge`);
    must(dlq !== undefined, `${pipe} has no dead-letter queue`);
    const source = { ...role, to: logicalIdOf(p.Source) };
    const bus = { ...role, to: logicalIdOf(p.Target), action: 'events:PutEvents' };
    return [
      {
        to: roleId,
        principal: 'pipes.amazonaws.com',
        action: 'sts:AssumeRole',
        resource: role.principal,
        resourcePolicy: resolve(resources[roleId]?.Properties?.AssumeRolePolicyDocument),
        context: {
          'aws:SourceAccount': FAKE.account,
          'aws:SourceArn': `arn:aws:pipes:${FAKE.region}:${FAKE.account}:pipe/${pipe}`,
        },
      },
      ...['DescribeStream', 'GetRecords', 'GetShardIterator'].map((action) => ({
        ...source,
        action: `dynamodb:${action}`,
        resource: stream,
      })),
      { ...source, action: 'dynamodb:ListStreams', resource: '*' },
      { ...role, ...invoke(resources, resolve, p.Enrichment) },
      { ...bus, resource: target },
      { ...role, ...queueSend(resources, resolve, dlq) },
      {
        ...source,
        action: 'dynamodb:PutItem',
        resource: stream.split('/stream/')[0] ?? '',
        expect: 'ImplicitlyDenied' as const,
      },
      {
        ...bus,
        resource: target.replace(/event-bus\/.*/, 'event-bus/default'),
        expect: 'ImplicitlyDenied' as const,
      },
    ];
  });
}
