// Bundle-time stand-in (infra/service-function.ts BUNDLE_ALIASES). The AWS credentials of a deployed function: Lambda puts its role's credentials in the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). Every bundle aliases the SDK's default
// provider chain (`@aws-sdk/credential-provider-node`: environment, SSO, ini files, processes, web identity,
// container and instance metadata, with the STS/SSO clients they need) to this module, so a function
// carries and loads only the provider it uses. Unbundled code (the local runtime, the tests) keeps the
// SDK's chain; it passes explicit credentials or sets the same variables.
import { type FromEnvInit, fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/** Stands in for the SDK's `defaultProvider`: the environment's credentials, read per request (a few variables). */
export const defaultProvider = (init?: FromEnvInit): AwsCredentialIdentityProvider => fromEnv(init);
