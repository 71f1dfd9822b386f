// Secondary adapter: the captcha's DynamoDB items; issue, the single verify attempt and the single redemption
// are each one conditional write.
//
// Layout (single table; `ttl` only cleans up, expiry is always a condition of the write):
//   CAPTCHA#{keyed hash of token} / CAPTCHA   one challenge: tenant, the answer x and y (plain, see below),
//                                         `until` (ms); the verify attempt REMOVEs the answer and sets usedAt
//   CAPTCHA_PASS#{keyed hash} / CAPTCHA_PASS   one pass (a verified captcha_token): tenant, keyed hash of the
//                                         sender it was verified for, `until` (ms); redemption sets redeemedAt
//   CTR#{captcha#tenant#keyed hash of IP}#{window} / CTR   challenges issued to one client IP in a fixed
//                                         window (the shared counter item of ./limits.ts)
//   CTR#{captcha-verify#tenant#keyed hash of IP}#{window} / CTR   verify units one client IP holds in a fixed
//                                         window: one taken before each answer is compared, given back on a pass
//
// The answer x is stored plainly: it has only ~150 possible values, so hashing would not hide it, and the
// item lives for two minutes behind the same access control as everything else in the table.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamoFault } from './client.ts';
import { counterUpdate } from './limits.ts';

/** Items stay this long past their expiry before TTL may remove them, so late uses read as "expired". */
const LINGER_SECONDS = 300;

export interface ChallengeItem {
  tenantId: string;
  /** Keyed hash of the challenge token: the token itself (the first half of a captcha_token) is not stored. */
  key: string;
  x: number;
  y: number;
  /** Expiry, ms since the epoch. */
  until: number;
}

/** What a verify attempt found: the answer (now consumed), or why there was none to take. */
export type TakeOutcome =
  | { outcome: 'taken'; x: number; y: number }
  | { outcome: 'unknown' | 'used' | 'expired' };

export interface PassItem {
  tenantId: string;
  /** Keyed hash of the captcha_token; the token itself is not stored. */
  passKey: string;
  /** Keyed hash of the normalized sender the captcha was verified for. */
  senderKey: string;
  until: number;
}

export type RedeemOutcome = 'redeemed' | 'invalid' | 'expired';

/** A fixed window of challenge issues for one key (a tenant's client IP). */
export interface IssueCounter {
  key: string;
  limit: number;
  windowSeconds: number;
}

/** Whether one more challenge may be issued; when not, the seconds until the window resets. */
export type IssueOutcome = { admitted: true } | { admitted: false; retryAfterSeconds: number };

/** What a stored challenge holds, read back for the local runtime's captcha help. */
export interface StoredChallenge {
  tenantId: string;
  /** Absent once the single attempt has consumed it. */
  x?: number;
  y?: number;
  until: number;
  usedAt?: number;
}

type Item = Record<string, unknown>;

const challengeKey = (key: string) => ({ pk: `CAPTCHA#${key}`, sk: 'CAPTCHA' });
const passKeyOf = (passKey: string) => ({ pk: `CAPTCHA_PASS#${passKey}`, sk: 'CAPTCHA_PASS' });
const ttlOf = (until: number) => Math.ceil(until / 1000) + LINGER_SECONDS;

/** The DynamoDB side of the captcha service. One instance per container. */
export class CaptchaStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /**
   * Counts one challenge issue against `counter` with one conditional write (the fixed-window counter of
   * the send limits): admitted while the window holds fewer than `limit`, so N concurrent issues from one
   * key admit exactly `limit`. A refused issue changes nothing.
   */
  async countIssue(counter: IssueCounter, now: number): Promise<IssueOutcome> {
    try {
      await this.db.send(new UpdateCommand(counterUpdate(this.tableName, { scope: 'ip', ...counter }, now)));
      return { admitted: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw dynamoFault(error);
      const item = error.Item ? (unmarshall(error.Item) as Item) : {};
      const resetAt = Number(item.resetAt ?? now + counter.windowSeconds * 1000);
      return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)) };
    }
  }

  /**
   * Takes one verify unit of `counter` before an answer is compared (one conditional write, like an issue): N
   * concurrent verifies from one key take at most `limit`, so a blind guesser cannot have more answers compared
   * than the limit, whatever it sends at once. A pass gives its unit back ({@link returnVerifyUnit}).
   */
  takeVerifyUnit(counter: IssueCounter, now: number): Promise<IssueOutcome> {
    return this.countIssue(counter, now);
  }

  /** Gives a verify unit back (a pass): the window's count goes down by one, never below what was taken. */
  async returnVerifyUnit(counter: IssueCounter, now: number): Promise<void> {
    const { Key } = counterUpdate(this.tableName, { scope: 'ip', ...counter }, now);
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'ADD c :minus',
          ConditionExpression: 'c > :zero',
          ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
        }),
      )
      .catch((error: unknown) => {
        // The window turned since the unit was taken (a new counter): nothing to give back.
        if (!(error instanceof ConditionalCheckFailedException)) throw dynamoFault(error);
      });
  }

  /**
   * Reads a challenge by its key (strongly consistent). For the local runtime's captcha help only: no
   * deployed handler calls it.
   */
  async readChallenge(key: string): Promise<StoredChallenge | undefined> {
    const { Item } = await this.db
      .send(new GetCommand({ TableName: this.tableName, Key: challengeKey(key), ConsistentRead: true }))
      .catch((error: unknown) => {
        throw dynamoFault(error);
      });
    if (!Item) return undefined;
    return {
      tenantId: String(Item.tenant),
      ...(Item.x === undefined ? {} : { x: Number(Item.x), y: Number(Item.y) }),
      until: Number(Item.until),
      ...(Item.usedAt === undefined ? {} : { usedAt: Number(Item.usedAt) }),
    };
  }

  /** Stores a new challenge; the condition makes a (practically impossible) token collision fail loudly. */
  async putChallenge(challenge: ChallengeItem): Promise<void> {
    await this.db
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...challengeKey(challenge.key),
            tenant: challenge.tenantId,
            x: challenge.x,
            y: challenge.y,
            until: challenge.until,
            ttl: ttlOf(challenge.until),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((error: unknown) => {
        throw dynamoFault(error);
      });
  }

  /**
   * Takes the answer of a live challenge of this tenant, consuming it in the same write: the answer is
   * removed whatever the caller then decides, so each challenge gets exactly one attempt, also under
   * concurrent verifies. A challenge of another tenant is left untouched and reads as unknown.
   */
  async takeChallenge(input: { tenantId: string; key: string; now: number }): Promise<TakeOutcome> {
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: challengeKey(input.key),
          UpdateExpression: 'SET usedAt = :now REMOVE x, y',
          ConditionExpression: 'attribute_exists(x) AND tenant = :tenant AND #until > :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': input.now, ':tenant': input.tenantId },
          ReturnValues: 'UPDATED_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const old = result.Attributes ?? {};
      return { outcome: 'taken', x: Number(old.x), y: Number(old.y) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw dynamoFault(error);
      const item = error.Item ? (unmarshall(error.Item) as Item) : undefined;
      if (!item || item.tenant !== input.tenantId) return { outcome: 'unknown' };
      if (item.x === undefined) return { outcome: 'used' };
      return { outcome: 'expired' };
    }
  }

  /** Stores the pass a successful verify earned. */
  async putPass(pass: PassItem): Promise<void> {
    await this.db
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...passKeyOf(pass.passKey),
            tenant: pass.tenantId,
            sender: pass.senderKey,
            until: pass.until,
            ttl: ttlOf(pass.until),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((error: unknown) => {
        throw dynamoFault(error);
      });
  }

  /**
   * Redeems a pass once: one conditional write requires it to exist for this tenant, be unredeemed, be
   * bound to this sender and be unexpired. A pass presented for another sender is not consumed (it still
   * works for its own sender until it expires); an expired one reads as expired while its item lingers.
   */
  async redeemPass(input: {
    tenantId: string;
    passKey: string;
    senderKey: string;
    now: number;
  }): Promise<RedeemOutcome> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: passKeyOf(input.passKey),
          UpdateExpression: 'SET redeemedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(redeemedAt) AND tenant = :tenant AND sender = :sender AND #until > :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: {
            ':now': input.now,
            ':tenant': input.tenantId,
            ':sender': input.senderKey,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'redeemed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw dynamoFault(error);
      const item = error.Item ? (unmarshall(error.Item) as Item) : undefined;
      if (!item || item.tenant !== input.tenantId) return 'invalid';
      if (item.redeemedAt !== undefined || item.sender !== input.senderKey) return 'invalid';
      return 'expired';
    }
  }
}
