// Infra: what `-c monitoring=full` adds to the essential alarms — each function's errors and throttles, each
// route's 5xx and p99 latency (the API's detailed metrics), and the dashboard's sends, approvals and log tables.
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { LogQueryWidget, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { CustomMetricGroup, MonitoringFacade } from 'cdk-monitoring-constructs';
import { CHANNELS } from '../lib/domain/vocabulary.ts';
import type { Route } from '../lib/routes.ts';
import { above, ROUTE_ALARMS, SLOW } from './alarm-levels.ts';
import type { SavedLogQueries } from './log-queries.ts';
import { codegateMetric } from './metric-catalogue.ts';
import { monitorPumpingGuard } from './monitoring-guard.ts';
import type { ServiceFunction } from './service-function.ts';

export interface FullTierProps {
  api: IHttpApi;
  routes: readonly Route[];
  functions: ReadonlyMap<string, ServiceFunction>;
}

const FIVE_MINUTES = Duration.minutes(5);

/** Adds the full tier's alarms and dashboard widgets to `facade` (whose dashboard the full tier creates). */
export function monitorFullTier(
  facade: MonitoringFacade,
  props: FullTierProps,
  queries: SavedLogQueries,
): void {
  for (const route of props.routes) {
    const service = props.functions.get(route.name);
    if (!service) throw new Error(`no function for route ${route.name}`);
    facade.monitorLambdaFunction({
      lambdaFunction: service.function,
      alarmFriendlyName: route.name,
      humanReadableName: `${route.method} ${route.path}`,
      addFaultCountAlarm: { Critical: { maxErrorCount: 0 } },
      addThrottlesCountAlarm: { Critical: { maxErrorCount: 0 } },
    });
  }
  monitorRoutes(facade, props.api, props.routes);
  facade.monitorCustom({
    alarmFriendlyName: 'sends',
    humanReadableName: 'Sends and approvals',
    metricGroups: [
      {
        title: 'Sends vs approvals per channel',
        metrics: CHANNELS.flatMap((channel) => [
          codegateMetric('CodeSent', { channel }),
          codegateMetric('CodeApproved', { channel }),
          codegateMetric('LinkConfirmed', { channel }),
        ]),
      },
    ],
  });
  monitorPumpingGuard(facade);
  // Per-tenant and per-route tables from the logs: no metric per tenant, so nothing grows with tenants.
  for (const { query, logGroups } of queries.saved) {
    facade.addWidget(
      new LogQueryWidget({
        title: query.name,
        logGroupNames: logGroups.map((group) => group.logGroupName),
        queryString: query.query.toString(),
        width: 12,
        height: 6,
      }),
    );
  }
}

/**
 * HTTP API detailed metrics carry `ApiId, Method, Resource, Stage` (the route's method and path; AWS's HTTP API
 * metrics page), not the REST API's ApiName that the library's API monitoring uses: custom metric groups.
 */
function monitorRoutes(facade: MonitoringFacade, api: IHttpApi, routes: readonly Route[]) {
  const metricGroups: CustomMetricGroup[] = (['5xx', 'p99'] as const).map((kind) => ({
    title: kind === '5xx' ? 'API 5xx per route' : 'API p99 latency per route (ms)',
    metrics: routes.map((route) => ({
      metric: new Metric({
        namespace: 'AWS/ApiGateway',
        metricName: kind === '5xx' ? '5xx' : 'Latency',
        dimensionsMap: { ApiId: api.apiId, Method: route.method, Resource: route.path, Stage: '$default' },
        statistic: kind === '5xx' ? 'Sum' : 'p99',
        period: FIVE_MINUTES,
        label: `${route.method} ${route.path}`,
      }),
      alarmFriendlyName: `${route.name}-${kind}`,
      addAlarm: kind === '5xx' ? above(ROUTE_ALARMS.fiveXx) : { Critical: SLOW },
    })),
  }));
  facade.monitorCustom({ alarmFriendlyName: 'api-routes', humanReadableName: 'API routes', metricGroups });
}
