// Infra: the feedback loops. SES bounces, complaints and rejects (and, with `-c channels=…`, call outcomes and
// WhatsApp statuses) reach the suppression consumer through EventBridge (WhatsApp through an SNS topic); the
// table's stream reaches the stack's own event bus through a pipe whose enrichment derives the lifecycle
// events. Every grant of these non-HTTP functions is declared here, in FEEDBACK_GRANTS.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { type ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_EVENTS_PER_BATCH } from '../lib/events/enrich.ts';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../lib/events/lifecycle.ts';
import type { TableAction } from '../lib/routes.ts';
import type { KeyFamily } from '../lib/store/table.ts';
import { watchCalls, watchWhatsApp } from './messaging-feedback.ts';
import { extraChannelsOf } from './messaging-grants.ts';
import type { Monitoring } from './monitoring.ts';
import { ServiceFunction } from './service-function.ts';

/**
 * What each non-HTTP function may do on the table, and nothing more (test/infra-feedback.test.ts records
 * the commands each one sends and compares): the consumer writes suppression items (for SES, call and WhatsApp
 * outcomes alike); the enrichment reads a tenant's attempt limit.
 */
export const FEEDBACK_GRANTS = {
  'delivery-feedback': ['dynamodb:PutItem'],
  'lifecycle-events': ['dynamodb:GetItem'],
} as const satisfies Record<string, readonly TableAction[]>;

/** The key families those actions touch (`dynamodb:LeadingKeys`): suppression items; tenant configs. */
export const FEEDBACK_KEYS = {
  'delivery-feedback': ['SUPP'],
  'lifecycle-events': ['TENANT'],
} as const satisfies Record<keyof typeof FEEDBACK_GRANTS, readonly KeyFamily[]>;

/** The SES events the consumer acts on, as EventBridge names them. */
export const SES_DETAIL_TYPES = ['Email Bounced', 'Email Complaint Received', 'Email Rejected'];

export interface FeedbackProps {
  /** The table, with its stream enabled (NEW_AND_OLD_IMAGES). */
  table: ITable;
  pepper: ISecret;
  configurationSet: ConfigurationSet;
  /** Where the feedback functions' and the dead-letter queue's alarms go. */
  monitoring: Monitoring;
}

export class Feedback extends Construct {
  /** The stack's own bus: apps put rules on it for lifecycle events (docs/events.md). */
  readonly bus: EventBus;
  readonly consumer: ServiceFunction;
  readonly enrichment: ServiceFunction;
  /**
   * With WhatsApp offered: the topic the WhatsApp Business Account's event destination points at (an operator
   * step, docs/whatsapp-voice.md), subscribed by the consumer.
   */
  readonly whatsAppEvents?: Topic;
  /**
   * What failed every retry: SES and call events as EventBridge gave them and WhatsApp statuses as SNS did
   * (with the recipient's address or number, as AWS wrote it), and the pipe's records of stream batches (shard
   * and sequence numbers, no item). SQS-managed encryption, kept 14 days.
   */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: FeedbackProps) {
    super(scope, id);
    const { table, pepper, configurationSet } = props;
    const streamArn = table.tableStreamArn;
    if (!streamArn) throw new Error('the table needs its stream (NEW_AND_OLD_IMAGES) for lifecycle events');

    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters.node.defaultChild ?? this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is the dead-letter queue of the feedback rules' targets, of the WhatsApp topic's subscription and of the lifecycle-events pipe; a dead-letter queue of its own would only move the same messages once more.",
    });

    // SES → the account's default bus (the only bus SES publishes to) → the consumer, for this set only.
    configurationSet.addEventDestination('Feedback', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT, EmailSendingEvent.REJECT],
    });
    this.consumer = new ServiceFunction(this, 'Consumer', {
      name: 'delivery-feedback',
      description: 'SES bounces and complaints, call outcomes, WhatsApp statuses → the suppression list',
      table,
      pepper,
      providers: { mail: false, sms: false, captchaImages: false },
    });
    this.consumer.grantTable(table, FEEDBACK_GRANTS['delivery-feedback'], FEEDBACK_KEYS['delivery-feedback']);
    this.consumer.grantPepper(pepper);
    // The rules' and the subscription's dead letters take what could not be handed to the function; what the
    // function took and failed on (a store fault past Lambda's two retries) lands there too, not dropped. Lambda
    // sends it with the function's role: sqs:SendMessage on this queue and nothing else (SqsDestination would
    // also grant GetQueueAttributes and GetQueueUrl, which Lambda does not call).
    const deadLetterArn = this.deadLetters.queueArn;
    this.consumer.function.configureAsyncInvoke({
      onFailure: { bind: () => ({ destination: deadLetterArn }) },
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
    this.consumer.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetterArn] }),
    );
    // Bounded: a store fault is retried for up to 6 hours, then the event lands in the dead letters.
    const toConsumer = () =>
      new LambdaFunction(this.consumer.function, {
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: this.deadLetters,
      });
    new Rule(this, 'SesFeedback', {
      description: 'Codegate: bounces, complaints and rejects of its configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detailType: SES_DETAIL_TYPES,
        detail: { mail: { tags: { 'ses:configuration-set': [configurationSet.configurationSetName] } } },
      },
      targets: [toConsumer()],
    });
    const channels = extraChannelsOf(this);
    if (channels.voice) watchCalls(this, toConsumer());
    if (channels.whatsapp)
      this.whatsAppEvents = watchWhatsApp(this, this.consumer.function, this.deadLetters);

    this.bus = new EventBus(this, 'Events', { description: 'Codegate lifecycle events (docs/events.md)' });
    this.enrichment = new ServiceFunction(this, 'Enrichment', {
      name: 'lifecycle-events',
      description: 'Table stream records → lifecycle events',
      table,
      pepper,
      providers: { mail: false, sms: false, captchaImages: false },
    });
    this.enrichment.grantTable(table, FEEDBACK_GRANTS['lifecycle-events'], FEEDBACK_KEYS['lifecycle-events']);

    const pipeRole = new Role(this, 'PipeRole', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Codegate lifecycle-events pipe: read the table stream, enrich, put on the bus',
    });
    pipeRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [streamArn],
      }),
    );
    pipeRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] }),
    );
    pipeRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.enrichment.function.functionArn],
      }),
    );
    pipeRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] }),
    );
    pipeRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queueArn] }),
    );
    Validations.of(pipeRole.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams has no resource type (it is authorized against "*" only) and reveals stream ARNs, no data; every other action of the pipe role is scoped to the table stream, the enrichment function, the bus or the dead-letter queue.',
    });

    const prefix = (value: string) =>
      JSON.stringify({
        eventName: ['INSERT', 'MODIFY'],
        dynamodb: { Keys: { pk: { S: [{ prefix: value }] } } },
      });
    const guardBlocks = JSON.stringify({
      eventName: ['MODIFY'],
      dynamodb: { Keys: { pk: { S: [{ prefix: 'GUARD#' }] } }, NewImage: { s: { N: ['0'] } } },
    });
    const pipe = new CfnPipe(this, 'Pipe', {
      description: 'Codegate lifecycle events: table stream → enrichment → event bus',
      roleArn: pipeRole.roleArn,
      source: streamArn,
      sourceParameters: {
        // Only address and suppression items can stand for an event; counters and nonces never reach the function.
        // A pumping-guard prefix item only when a block (or window) starts it afresh (`s` = 0): not on every send.
        filterCriteria: {
          filters: [{ pattern: prefix('ADDR#') }, { pattern: prefix('SUPP#') }, { pattern: guardBlocks }],
        },
        dynamoDbStreamParameters: {
          startingPosition: 'LATEST',
          // The event bus target takes at most this many entries per batch, and so does the enrichment's output.
          batchSize: MAX_EVENTS_PER_BATCH,
          maximumBatchingWindowInSeconds: 1,
          maximumRetryAttempts: 10,
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          deadLetterConfig: { arn: this.deadLetters.queueArn },
        },
      },
      enrichment: this.enrichment.function.functionArn,
      target: this.bus.eventBusArn,
      targetParameters: {
        eventBridgeEventBusParameters: { source: EVENT_SOURCE, detailType: EVENT_DETAIL_TYPE },
      },
    });
    pipe.node.addDependency(pipeRole);

    this.monitor(props.monitoring);
  }

  /**
   * Alarms: either function failing (each failure is retried, but a bounce that never reaches the
   * suppression list keeps being mailed), either throttled (full tier), and anything in the dead letters.
   */
  private monitor(monitoring: Monitoring) {
    for (const [name, service, purpose] of [
      ['delivery-feedback', this.consumer, 'SES, call and WhatsApp feedback → suppression'],
      ['lifecycle-events', this.enrichment, 'table stream → lifecycle events'],
    ] as const) {
      monitoring.facade.monitorLambdaFunction({
        lambdaFunction: service.function,
        alarmFriendlyName: name,
        humanReadableName: purpose,
        addFaultCountAlarm: { Critical: { maxErrorCount: 0 } },
        // A throttled invocation of either is retried (EventBridge for 6 hours, the pipe 10 times) and what still
        // fails lands in the dead letters, which page in both tiers: the throttle alarm itself is the full tier's.
        ...(monitoring.tier === 'full' ? { addThrottlesCountAlarm: { Critical: { maxErrorCount: 0 } } } : {}),
      });
    }
    monitoring.facade.monitorSqsQueue({
      queue: this.deadLetters,
      alarmFriendlyName: 'feedback-dead-letters',
      humanReadableName:
        'Feedback dead letters (SES, call and WhatsApp events and stream batches given up on)',
      addQueueMaxSizeAlarm: { Critical: { maxMessageCount: 0 } },
    });
  }
}
