// Grants for the WhatsApp and voice channels (AWS End User Messaging Social, and SMS and Voice v2), given only
// to the functions whose route's `access` names them (lib/routes.ts; test/grants.test.ts records who calls them).
import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ServiceFunction } from './service-function.ts';

/**
 * `social-messaging:SendWhatsAppMessage` on the account's WhatsApp phone numbers in the stack's region (its one
 * required resource type, `phone-number-id`). Which number a tenant sends from is tenant data, loaded after the
 * deploy, so the grant names every phone number id of the account and region, not one.
 */
export function grantWhatsApp(service: ServiceFunction): void {
  const resource = Stack.of(service).formatArn({
    service: 'social-messaging',
    resource: 'phone-number-id',
    resourceName: '*',
  });
  service.role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['social-messaging:SendWhatsAppMessage'], resources: [resource] }),
  );
  acknowledge(
    service,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:social-messaging:<AWS::Region>:<AWS::AccountId>:phone-number-id/*]`,
    "social-messaging:SendWhatsAppMessage on the account's WhatsApp phone number ids in this region: tenants name theirs in the tenants file, after the deploy.",
  );
}

/**
 * `sms-voice:SendVoiceMessage`, which the Service Authorization Reference lists with no resource type: it is
 * authorized only against Resource `*`, so the origination identity a call may use is the tenant's setting,
 * not IAM's. Only the routes that place calls get it.
 */
export function grantVoice(service: ServiceFunction): void {
  service.role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['sms-voice:SendVoiceMessage'], resources: ['*'] }),
  );
  acknowledge(
    service,
    'AwsSolutions-IAM5[Resource::*]',
    'sms-voice:SendVoiceMessage has no resource type in the Service Authorization Reference: it is authorized only against Resource "*". Only the routes that place verification calls get it.',
  );
}

function acknowledge(service: ServiceFunction, id: string, reason: string) {
  const policy = service.role.node.tryFindChild('DefaultPolicy');
  if (policy) Validations.of(policy).acknowledge({ id, reason });
}
