// Bundle-time stand-in (infra/bundling.ts BUNDLE_ALIASES) for `@aws-sdk/middleware-endpoint-discovery`, which only the
// DynamoDB client imports: to put an endpoint cache and discovery switches on its configuration. No command of the
// DynamoDB client Codegate bundles applies the discovery middleware that would read them, so discovery never runs
// whatever the switches say; the cache and its LRU (`@aws-sdk/endpoint-cache`, `mnemonist`) are 2 KB of every
// bundle for nothing. test/bundling.test.ts fails, naming the module, if a bundled SDK module ever reads what this
// leaves out. Unbundled code keeps the real module.

/** The discovery switch's environment and config-file selectors: never read (see above), so never looked up. */
export const NODE_ENDPOINT_DISCOVERY_CONFIG_OPTIONS = {
  environmentVariableSelector: (): undefined => undefined,
  configFileSelector: (): undefined => undefined,
  default: undefined,
};

/** The client's configuration as it was: the discovery fields would go unread (see above). */
export function resolveEndpointDiscoveryConfig<T extends object>(input: T): T {
  return input;
}
