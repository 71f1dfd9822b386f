// Secondary adapter: Twilio Verify services made through the Services API, one item per service under the
// account that made it (`TSVC#{tenant}#{account}` / `{sid}`): a fetch is one GetItem, a list one Query.
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamoFault } from './client.ts';

/** A service as stored: the settings Codegate honours, and when it was made and last changed. */
export interface StoredService {
  sid: string;
  accountSid: string;
  friendlyName: string;
  codeLength: number;
  customCodeEnabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** The settings an update may change. */
export type ServiceChanges = Partial<
  Pick<StoredService, 'friendlyName' | 'codeLength' | 'customCodeEnabled'>
>;

const conditionFailed = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** A refused condition is an answer (the caller's); any other failure is DynamoDB's (busy, 503). */
const fault = (error: unknown): never => {
  if (conditionFailed(error)) throw error;
  throw dynamoFault(error);
};

function serviceOf(item: Record<string, unknown> | undefined): StoredService | undefined {
  if (!item || typeof item.sk !== 'string') return undefined;
  return {
    sid: item.sk,
    accountSid: String(item.accountSid ?? ''),
    friendlyName: String(item.friendlyName ?? ''),
    codeLength: Number(item.codeLength ?? 6),
    customCodeEnabled: item.customCodeEnabled === true,
    createdAt: Number(item.createdAt ?? 0),
    updatedAt: Number(item.updatedAt ?? 0),
  };
}

export class TwilioServiceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The partition of one account's services (the tenant id keeps an account moved to another tenant apart). */
  private partition = (tenantId: string, accountSid: string) => `TSVC#${tenantId}#${accountSid}`;

  /** One service of the account; undefined when it does not exist (or is another account's). */
  async get(tenantId: string, accountSid: string, sid: string): Promise<StoredService | undefined> {
    const { Item } = await this.db
      .send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: this.partition(tenantId, accountSid), sk: sid },
        }),
      )
      .catch(fault);
    return serviceOf(Item);
  }

  /** Stores a new service; a sid already taken (never, for 128 random bits) is refused by the condition. */
  async create(tenantId: string, service: StoredService): Promise<void> {
    await this.db
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: this.partition(tenantId, service.accountSid),
            sk: service.sid,
            accountSid: service.accountSid,
            friendlyName: service.friendlyName,
            codeLength: service.codeLength,
            customCodeEnabled: service.customCodeEnabled,
            createdAt: service.createdAt,
            updatedAt: service.updatedAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch(fault);
  }

  /** Applies `changes` to an existing service in one conditional write; undefined when there is none. */
  async update(
    tenantId: string,
    accountSid: string,
    sid: string,
    changes: ServiceChanges,
    now: number,
  ): Promise<StoredService | undefined> {
    const fields = { ...changes, updatedAt: now };
    const names = Object.keys(fields);
    try {
      const { Attributes } = await this.db
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: this.partition(tenantId, accountSid), sk: sid },
            UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#f${i}`, name])),
            ExpressionAttributeValues: Object.fromEntries(
              names.map((name, i) => [`:v${i}`, fields[name as keyof typeof fields]]),
            ),
            ConditionExpression: 'attribute_exists(pk)',
            ReturnValues: 'ALL_NEW',
          }),
        )
        .catch(fault);
      return serviceOf(Attributes);
    } catch (error) {
      if (conditionFailed(error)) return undefined;
      throw error;
    }
  }

  /** Removes a service; false when there was none. */
  async delete(tenantId: string, accountSid: string, sid: string): Promise<boolean> {
    try {
      await this.db
        .send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { pk: this.partition(tenantId, accountSid), sk: sid },
            ConditionExpression: 'attribute_exists(pk)',
          }),
        )
        .catch(fault);
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  /** Up to `limit` of the account's services in sid order, after `afterSid`; `more` when the Query stopped early. */
  async list(
    tenantId: string,
    accountSid: string,
    limit: number,
    afterSid?: string,
  ): Promise<{ services: StoredService[]; more: boolean }> {
    const pk = this.partition(tenantId, accountSid);
    const { Items = [], LastEvaluatedKey } = await this.db
      .send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          Limit: limit,
          ...(afterSid ? { ExclusiveStartKey: { pk, sk: afterSid } } : {}),
        }),
      )
      .catch(fault);
    const services = Items.map(serviceOf).filter((service): service is StoredService => !!service);
    return { services, more: LastEvaluatedKey !== undefined };
  }
}
