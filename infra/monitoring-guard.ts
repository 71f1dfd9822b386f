// Monitoring of the SMS pumping guard (lib/engine/pumping-guard.ts), full tier: a block pages — the guard acting
// means an attack is under way, and a false positive costs a real user — while monitor mode's would-be blocks are
// graphed only. Runbook: docs/deploy.md (`pumping-guard-pumping-blocked-sms`).
import type { MonitoringFacade } from 'cdk-monitoring-constructs';
import { above } from './alarm-levels.ts';
import { codegateMetric } from './metric-catalogue.ts';

export function monitorPumpingGuard(facade: MonitoringFacade): void {
  facade.monitorCustom({
    alarmFriendlyName: 'pumping-guard',
    humanReadableName: 'SMS pumping guard',
    metricGroups: [
      {
        title: 'Prefixes blocked (enforce) and would-be blocked (monitor)',
        metrics: [
          {
            metric: codegateMetric('PumpingBlocked', { channel: 'sms' }),
            alarmFriendlyName: 'pumping-blocked-sms',
            addAlarm: above(0),
          },
          codegateMetric('PumpingMonitored', { channel: 'sms' }),
        ],
      },
    ],
  });
}
