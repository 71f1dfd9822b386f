// The SMS pumping guard's settings with every default applied, without a schema library: the engine applies them
// in every send function, whose bundle carries no zod (test/bundles.test.ts). The defaults are the schema's own
// (lib/tenants/schema-guard.ts); test/pumping-guard.test.ts holds the two equal.
import type { GuardSettings } from './schema-guard.ts';

/** The schema's defaults, written out. */
export const GUARD_DEFAULTS: GuardSettings = {
  mode: 'enforce',
  floor: 5,
  safeList: [],
  unverifiedSpend: { baseUsd: 5, share: 0.5 },
  pricesUsd: {},
};

/** The tenant's settings with every default applied (the block is optional in the file). */
export function guardSettings(raw: Partial<GuardSettings> | undefined): GuardSettings {
  return {
    ...GUARD_DEFAULTS,
    ...raw,
    unverifiedSpend: { ...GUARD_DEFAULTS.unverifiedSpend, ...raw?.unverifiedSpend },
  };
}
