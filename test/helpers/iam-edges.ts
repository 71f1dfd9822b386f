// Test helper: a synthesized template as concrete IAM inputs (intrinsics resolved for a fake account) and one
// call that asks an IAM policy simulator whether a service-to-service request is allowed.
//
// Why @cloud-copilot/iam-simulate: it evaluates identity AND resource policies together, with service principals
// (`apigateway.amazonaws.com`, `cloudwatch.amazonaws.com`…), every condition operator and global keys such as
// aws:SourceArn / aws:SecureTransport, offline and in-process, and says which statement decided. The
// alternatives fall short here: IAM's SimulateCustomPolicy/SimulatePrincipalPolicy need an account and
// credentials and cannot take a resource policy as text; policy linters (cdk-nag, parliament, IAM Access
// Analyzer's validate-policy) judge a policy's shape, never a request; va1da5/aws-iam-policy-engine is a
// learning project. Its one gap we meet is written down at `decidePhonePublish`.
import { runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';

/** The account, region and partition every intrinsic resolves to. */
export const FAKE = { account: '111111111111', region: 'us-east-1', partition: 'aws' } as const;
/** Someone else's account, for requests that must be refused. */
export const OTHER_ACCOUNT = '222222222222';
/** A fixed stream label: a table's StreamArn ends in one. */
const STREAM_LABEL = '2026-01-01T00:00:00.000';

export type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;
export interface Policy {
  Version: string;
  Statement: Record<string, any>[];
}
export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

const arn = (service: string, resource: string, region: string = FAKE.region) =>
  `arn:${FAKE.partition}:${service}:${region}:${FAKE.account}:${resource}`;

/** What `Ref` returns for each resource type we meet (CloudFormation's documented return values). */
function refOf(id: string, type: string): string {
  switch (type) {
    case 'AWS::SNS::Topic':
      return arn('sns', id);
    case 'AWS::SQS::Queue':
      return `https://sqs.${FAKE.region}.amazonaws.com/${FAKE.account}/${id}`;
    case 'AWS::SecretsManager::Secret':
      return arn('secretsmanager', `secret:${id}-AbCdEf`);
    case 'AWS::ApiGatewayV2::Api':
      return id.toLowerCase().slice(0, 10);
    default:
      return id; // a physical name
  }
}

/** What `Fn::GetAtt` returns; an attribute not listed throws, so a new kind of edge cannot slip past. */
function attOf(id: string, type: string, attribute: string, props: Record<string, any>): string {
  const key = `${type}.${attribute}`;
  switch (key) {
    case 'AWS::Lambda::Function.Arn':
      return arn('lambda', `function:${id}`);
    case 'AWS::IAM::Role.Arn':
      return `arn:${FAKE.partition}:iam::${FAKE.account}:role/${id}`;
    case 'AWS::DynamoDB::Table.Arn':
      return arn('dynamodb', `table/${id}`);
    case 'AWS::DynamoDB::Table.StreamArn':
      return arn('dynamodb', `table/${id}/stream/${STREAM_LABEL}`);
    case 'AWS::SQS::Queue.Arn':
      return arn('sqs', id);
    case 'AWS::SQS::Queue.QueueName':
      return id;
    case 'AWS::Events::Rule.Arn':
      return arn('events', `rule/${id}`);
    case 'AWS::Events::EventBus.Arn':
      return arn('events', `event-bus/${props.Name ?? id}`);
    case 'AWS::Events::EventBus.Name':
      return props.Name ?? id;
    case 'AWS::Logs::LogGroup.Arn':
      return arn('logs', `log-group:${id}:*`);
    case 'AWS::SNS::Topic.TopicArn':
      return arn('sns', id);
    default:
      throw new Error(`the resolver does not know Fn::GetAtt ${id}.${attribute} (${type})`);
  }
}

/**
 * A function that turns CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split)
 * into concrete strings for {@link FAKE}, walking objects and arrays.
 */
export function resolver(resources: Resources): (value: unknown) => any {
  const typeOf = (id: string) => {
    const resource = resources[id];
    if (!resource) throw new Error(`no resource ${id} in the template`);
    return resource;
  };
  const pseudo: Record<string, string> = {
    'AWS::AccountId': FAKE.account,
    'AWS::Region': FAKE.region,
    'AWS::Partition': FAKE.partition,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'Codegate',
  };
  const ref = (name: string) => pseudo[name] ?? refOf(name, typeOf(name).Type);
  const getAtt = (id: string, attribute: string) => {
    const resource = typeOf(id);
    return attOf(id, resource.Type, attribute, resource.Properties ?? {});
  };
  const sub = (template: string, vars: Record<string, unknown>): string =>
    template.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (name in vars) return String(resolve(vars[name]));
      const [id, attribute] = name.split('.');
      return attribute ? getAtt(id ?? '', attribute) : ref(name);
    });
  function resolve(value: unknown): any {
    if (Array.isArray(value)) return value.map(resolve);
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [[key, arg] = ['', undefined]] = entries;
    if (entries.length === 1) {
      if (key === 'Ref') return ref(String(arg));
      if (key === 'Fn::GetAtt') {
        const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        return getAtt(String(id), String(attribute));
      }
      if (key === 'Fn::Join') return (resolve(arg[1]) as string[]).join(arg[0]);
      if (key === 'Fn::Sub')
        return Array.isArray(arg) ? sub(String(arg[0]), arg[1] ?? {}) : sub(String(arg), {});
      if (key === 'Fn::Select') return resolve(arg[1])[Number(resolve(arg[0]))];
      if (key === 'Fn::Split') return String(resolve(arg[1])).split(arg[0]);
      if (key.startsWith('Fn::')) throw new Error(`the resolver does not know ${key}`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  }
  return resolve;
}

/** Logical ids of the resources of one type. */
export const idsOfType = (resources: Resources, type: string) =>
  Object.keys(resources).filter((id) => resources[id]?.Type === type);

/** The logical id a `Ref` or `Fn::GetAtt` names. */
export function logicalIdOf(value: unknown): string {
  const v = value as Record<string, any>;
  if (typeof v?.Ref === 'string') return v.Ref;
  const att = v?.['Fn::GetAtt'];
  if (Array.isArray(att)) return String(att[0]);
  throw new Error(`not a reference: ${JSON.stringify(value)}`);
}

/** A role's identity policies: its inline policies and every AWS::IAM::Policy attached to it, resolved. */
export function identityPoliciesOf(resources: Resources, roleId: string, resolve: (v: unknown) => any) {
  const role = resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  // Managed policies cannot be read offline: a role that gets one must be looked at by a person.
  if (role.Properties?.ManagedPolicyArns?.length) throw new Error(`${roleId} has managed policies`);
  const inline = (role.Properties?.Policies ?? []).map((p: any) => ({
    name: String(p.PolicyName),
    policy: resolve(p.PolicyDocument) as Policy,
  }));
  const attached = idsOfType(resources, 'AWS::IAM::Policy')
    .filter((id) => (resources[id]?.Properties?.Roles ?? []).some((r: unknown) => logicalIdOf(r) === roleId))
    .map((id) => ({ name: id, policy: resolve(resources[id]?.Properties?.PolicyDocument) as Policy }));
  return [...inline, ...attached];
}

/**
 * The resource policy AWS would hold for one topic or queue: the document of the single
 * AWS::SNS::TopicPolicy / AWS::SQS::QueuePolicy naming it (a second one would replace the first on AWS,
 * so two are an error here), or undefined when none does.
 */
export function attachedPolicyOf(
  resources: Resources,
  kind: 'AWS::SNS::TopicPolicy' | 'AWS::SQS::QueuePolicy',
  target: string,
  resolve: (v: unknown) => any,
): Policy | undefined {
  const list = kind === 'AWS::SNS::TopicPolicy' ? 'Topics' : 'Queues';
  const owners = idsOfType(resources, kind).filter((id) =>
    (resolve(resources[id]?.Properties?.[list]) as string[]).includes(target),
  );
  if (owners.length > 1) throw new Error(`${target} has ${owners.length} ${kind} resources`);
  const [owner] = owners;
  return owner ? (resolve(resources[owner]?.Properties?.PolicyDocument) as Policy) : undefined;
}

/** A function's resource policy, built as Lambda builds it from every AWS::Lambda::Permission naming it. */
export function lambdaPolicyOf(
  resources: Resources,
  functionArn: string,
  resolve: (v: unknown) => any,
): Policy | undefined {
  const Statement = idsOfType(resources, 'AWS::Lambda::Permission')
    .map((id) => ({ id, p: resolve(resources[id]?.Properties) as Record<string, string> }))
    .filter(({ p }) => p.FunctionName === functionArn)
    .map(({ id, p }) => ({
      Sid: id,
      Effect: 'Allow',
      Principal: p.Principal?.endsWith('.amazonaws.com') ? { Service: p.Principal } : { AWS: p.Principal },
      Action: p.Action,
      Resource: functionArn,
      ...(p.SourceArn || p.SourceAccount
        ? {
            Condition: {
              ...(p.SourceArn ? { ArnLike: { 'AWS:SourceArn': p.SourceArn } } : {}),
              ...(p.SourceAccount ? { StringEquals: { 'AWS:SourceAccount': p.SourceAccount } } : {}),
            },
          }
        : {}),
    }));
  return Statement.length ? { Version: '2012-10-17', Statement } : undefined;
}

export interface Request {
  /** A role ARN or a service principal such as `events.amazonaws.com`. */
  principal: string;
  action: string;
  resource: string;
  identity?: { name: string; policy: Policy }[];
  resourcePolicy?: Policy | undefined;
  /** Request context keys; every request here is made over TLS unless it says otherwise. */
  context?: Record<string, string | string[]>;
}

/** The simulator's decision on one request; a request it refuses to evaluate (bad input) throws. */
export async function decide(request: Request): Promise<Decision> {
  const account = request.resource.split(':')[4] || FAKE.account;
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: account },
        contextVariables: { 'aws:SecureTransport': 'true', ...request.context },
      },
      identityPolicies: request.identity ?? [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
    },
    {},
  );
  if (result.resultType === 'error')
    throw new Error(`${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

/**
 * `sns:Publish` to a phone number. SNS authorizes it against Resource `*` only (a number has no ARN). The
 * simulator expands a `*` request resource into the ARN patterns of the policies (an Allow on topics would
 * then pass), so the request names the number itself, unvalidated: only a `*` pattern matches it, as on AWS.
 */
export function decidePhonePublish(roleArn: string, identity: { name: string; policy: Policy }[]): Decision {
  return runUnsafeSimulation(
    {
      request: {
        principal: roleArn,
        action: 'sns:Publish',
        resource: { resource: '+15555550100', accountId: FAKE.account },
        contextVariables: { 'aws:SecureTransport': 'true' },
      },
      identityPolicies: identity,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  ) as Decision;
}
