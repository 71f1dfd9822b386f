// Infra: the stage throttles — the route table's ceilings (lib/routes.ts), each overridable at deploy time with
// `-c throttle:<route name>=<rate>/<burst>` (or `throttle:default`), refused with a one-line error outside the
// account's API Gateway quota.
import type { Construct } from 'constructs';
import { DEFAULT_THROTTLE, type Route, type Throttle } from '../lib/routes.ts';
import { API_ACCOUNT_THROTTLE } from './aws-bounds.ts';

/** The context key that overrides one route's throttle (`default`: every route without its own). */
export const throttleContextKey = (routeName: string) => `throttle:${routeName}`;

/** The throttles the stage applies: the default, and each route that has its own. */
export interface StageThrottles {
  defaultThrottle: Throttle;
  routes: ReadonlyMap<string, Throttle>;
}

function parseThrottle(key: string, raw: string): Throttle {
  const match = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const [rateLimit, burstLimit] = match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN];
  if (
    !match ||
    rateLimit < 1 ||
    burstLimit < 1 ||
    rateLimit > API_ACCOUNT_THROTTLE.rateLimit ||
    burstLimit > API_ACCOUNT_THROTTLE.burstLimit
  )
    throw new Error(
      `${key} must be <requests per second>/<burst>, each at least 1 and within the account's API Gateway quota (${API_ACCOUNT_THROTTLE.rateLimit}/${API_ACCOUNT_THROTTLE.burstLimit}), got "${raw}"`,
    );
  return { rateLimit, burstLimit };
}

/**
 * The stage's throttles from the route table and the `throttle:*` contexts. A context naming no route is refused
 * (a typo would otherwise leave the route at its default without a word).
 */
export function stageThrottles(scope: Construct, routes: readonly Route[]): StageThrottles {
  const names = new Set(routes.map((route) => route.name));
  const context = scope.node.getAllContext() as Record<string, unknown>;
  for (const key of Object.keys(context)) {
    if (!key.startsWith('throttle:')) continue;
    const name = key.slice('throttle:'.length);
    if (name !== 'default' && !names.has(name))
      throw new Error(`${key} names no route; use throttle:default or one of: ${[...names].join(', ')}`);
  }
  const override = (name: string) => {
    const raw = context[throttleContextKey(name)];
    return raw === undefined ? undefined : parseThrottle(throttleContextKey(name), String(raw));
  };
  const defaultThrottle = override('default') ?? DEFAULT_THROTTLE;
  const perRoute = new Map<string, Throttle>();
  for (const route of routes) {
    const throttle = override(route.name) ?? route.throttle;
    if (throttle) perRoute.set(route.name, throttle);
  }
  return { defaultThrottle, routes: perRoute };
}
