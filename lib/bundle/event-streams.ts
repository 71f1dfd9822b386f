// Bundle-time stand-in (infra/service-function.ts BUNDLE_ALIASES) for `@smithy/core/event-streams`. The SDK
// loads event-stream support only for an operation whose input or output streams events, and no operation
// Codegate calls (DynamoDB, SES, SNS, Secrets Manager) does; the real module is 14 KB of every bundle.
// Unbundled code keeps the real module.

function unsupported(): never {
  throw new Error('event streams are not bundled: no operation Codegate calls streams events');
}

/** Never constructed: see above. */
export class EventStreamSerde {
  constructor() {
    unsupported();
  }
}

/** Never called: see above. */
export const eventStreamSerdeProvider = unsupported;
