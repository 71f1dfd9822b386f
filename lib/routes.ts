// The route table: declared once, read by the CDK stack (one Lambda per route) and by the local runtime.

/** DynamoDB actions a function may perform on the table (transactions need the per-item actions). */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:ConditionCheckItem'
  | 'dynamodb:Query';

export interface Route {
  method: 'GET' | 'POST';
  /** API Gateway path syntax, e.g. `/v1/verifications/{id}`. */
  path: string;
  /** Function file under `functions/` (without `.ts`); also the construct id's basis. */
  name: string;
  /**
   * Least privilege: what the function's role is granted. `mail`, `sms` and `captchaImages` also decide,
   * at bundle time, which provider code the function carries at all (see `lib/runtime.ts`).
   */
  access: { table: TableAction[]; mail?: boolean; sms?: boolean; captchaImages?: boolean };
}

const READ: TableAction[] = ['dynamodb:GetItem'];
const SEND: TableAction[] = ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'];
const CHECK: TableAction[] = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];

export const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: '/v2/mail/enduserapi/v2/sendEmail',
    name: 'acceleronix-send-email',
    access: { table: SEND, mail: true },
  },
  {
    method: 'POST',
    path: '/v2/sms/enduserapi/v2/sendPhoneSmsCode',
    name: 'acceleronix-send-sms',
    access: { table: SEND, sms: true },
  },
  {
    method: 'POST',
    path: '/api/v2/common/send-verify-code',
    name: 'fresns-send-verify-code',
    access: { table: SEND, mail: true, sms: true },
  },
  {
    method: 'POST',
    path: '/v1/verifications',
    name: 'native-send',
    access: { table: SEND, mail: true, sms: true },
  },
  { method: 'POST', path: '/v1/verifications/check', name: 'native-check', access: { table: CHECK } },
  { method: 'GET', path: '/v1/verifications/{id}', name: 'native-status', access: { table: READ } },
  {
    method: 'GET',
    path: '/v1/verifications',
    name: 'native-find',
    access: { table: ['dynamodb:GetItem', 'dynamodb:Query'] },
  },
  { method: 'POST', path: '/v1/grants/redeem', name: 'native-redeem-grant', access: { table: CHECK } },
  {
    method: 'POST',
    path: '/api/verify/email',
    name: 'anqicms-verify-email-send',
    access: { table: SEND, mail: true },
  },
  // The mailed link only shows a page; its form posts to /confirm (a GET must consume nothing).
  { method: 'GET', path: '/api/verify/email', name: 'anqicms-verify-email-link', access: { table: CHECK } },
  {
    method: 'POST',
    path: '/api/verify/email/confirm',
    name: 'anqicms-verify-email-confirm',
    access: { table: CHECK },
  },
  {
    method: 'GET',
    path: '/api/v2/sdk/captcha',
    name: 'eiam-captcha-get',
    access: { table: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'], captchaImages: true },
  },
  {
    method: 'POST',
    path: '/api/v2/sdk/captcha/verify',
    name: 'eiam-captcha-verify',
    access: { table: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'] },
  },
  {
    method: 'POST',
    path: '/api/v2/sdk/email/send',
    name: 'eiam-send-email',
    access: { table: SEND, mail: true },
  },
  { method: 'POST', path: '/api/v2/sdk/sms/send', name: 'eiam-send-sms', access: { table: SEND, sms: true } },
  // Twilio Verify v2 (docs/dialects/twilio.md). Create: the send transaction, its withdrawal and tenant reads.
  {
    method: 'POST',
    path: '/v2/Services/{ServiceSid}/Verifications',
    name: 'twilio-create-verification',
    access: { table: SEND, mail: true, sms: true },
  },
  // Check: the sid's lookup item (GetItem) and the one conditional write per guess.
  {
    method: 'POST',
    path: '/v2/Services/{ServiceSid}/VerificationCheck',
    name: 'twilio-check-verification',
    access: { table: CHECK },
  },
  // Fetch: the sid's lookup item, then the address item.
  {
    method: 'GET',
    path: '/v2/Services/{ServiceSid}/Verifications/{Sid}',
    name: 'twilio-fetch-verification',
    access: { table: READ },
  },
  // Update (cancel, approve): the lookup item, then one conditional write.
  {
    method: 'POST',
    path: '/v2/Services/{ServiceSid}/Verifications/{Sid}',
    name: 'twilio-update-verification',
    access: { table: CHECK },
  },
];
