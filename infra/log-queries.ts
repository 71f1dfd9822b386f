// Infra: saved CloudWatch Logs Insights queries, one per question an operator asks when an alarm fires (which
// route, which tenant, which error). Saved queries cost nothing until run; they are how the essential tier, which
// has no per-route metrics, is investigated (docs/deploy.md, "Runbook").
import { Stack } from 'aws-cdk-lib';
import { type ILogGroup, QueryDefinition, QueryString } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** One saved query: its name after the stack's, the logs it reads, and the query. */
export interface LogQuery {
  name: string;
  logs: 'access' | 'functions';
  query: QueryString;
}

/**
 * The questions. Access-log fields are those of the stage's access log format (infra/stack.ts); function-log
 * fields are Powertools' (`level`, `message`) plus the keys Codegate adds (`route`, `requestId`) and each engine
 * event's own (`tenant`, `channel`, `outcome`, `reason`; lib/observe.ts). None of them holds a code or a full
 * address, so neither does any result.
 */
export const LOG_QUERIES: readonly LogQuery[] = [
  {
    name: '5xx by route',
    logs: 'access',
    query: new QueryString({
      filterStatements: ['status >= 500'],
      statsStatements: ['count(*) as answers by routeKey, status, integrationError'],
      sort: 'answers desc',
    }),
  },
  {
    name: 'latency by route',
    logs: 'access',
    query: new QueryString({
      statsStatements: ['count(*) as requests, pct(latency, 50) as p50, pct(latency, 99) as p99 by routeKey'],
      sort: 'p99 desc',
    }),
  },
  {
    name: 'errors by route',
    logs: 'functions',
    query: new QueryString({
      filterStatements: ['level = "ERROR"'],
      statsStatements: ['count(*) as errors by route, message, error.name'],
      sort: 'errors desc',
    }),
  },
  {
    name: 'refusals by reason and route',
    logs: 'functions',
    query: new QueryString({
      filterStatements: ['message = "request refused"'],
      statsStatements: ['count(*) as refusals by reason, route'],
      sort: 'refusals desc',
    }),
  },
  {
    name: 'sends, checks and failed deliveries by tenant',
    logs: 'functions',
    query: new QueryString({
      filterStatements: ['message in ["code sent", "code checked", "delivery failed"]'],
      statsStatements: ['count(*) as events by tenant, message, channel, outcome'],
      sort: 'events desc',
    }),
  },
];

export interface SavedLogQueriesProps {
  accessLogs: ILogGroup;
  functionLogs: readonly ILogGroup[];
}

/** Saves every query of `LOG_QUERIES` as `<stack name>/<question>` in CloudWatch Logs Insights. */
export class SavedLogQueries extends Construct {
  /** The saved queries with the log groups each reads (the full tier's dashboard shows them too). */
  readonly saved: readonly { query: LogQuery; logGroups: readonly ILogGroup[] }[];

  constructor(scope: Construct, id: string, props: SavedLogQueriesProps) {
    super(scope, id);
    const prefix = Stack.of(this).stackName;
    this.saved = LOG_QUERIES.map((query, index) => {
      const logGroups = query.logs === 'access' ? [props.accessLogs] : [...props.functionLogs];
      new QueryDefinition(this, `Query${index}`, {
        queryDefinitionName: `${prefix}/${query.name}`,
        queryString: query.query,
        logGroups: [...logGroups],
      });
      return { query, logGroups };
    });
  }
}
