// The route table: declared once, read by the CDK stack (one Lambda per route) and by the local runtime.

/** DynamoDB actions a function may perform on the table (transactions need the per-item actions). */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:ConditionCheckItem';

export interface Route {
  method: 'GET' | 'POST';
  /** API Gateway path syntax, e.g. `/v1/verifications/{id}`. */
  path: string;
  /** Function file under `functions/` (without `.ts`); also the construct id's basis. */
  name: string;
  /** Least privilege: what the function's role is granted. */
  access: { table: TableAction[]; mail?: boolean; sms?: boolean };
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
    path: '/v1/verifications',
    name: 'native-send',
    access: { table: SEND, mail: true, sms: true },
  },
  { method: 'POST', path: '/v1/verifications/check', name: 'native-check', access: { table: CHECK } },
  { method: 'GET', path: '/v1/verifications/{id}', name: 'native-status', access: { table: READ } },
];
