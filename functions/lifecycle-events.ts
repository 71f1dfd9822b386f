// Primary adapter: the enrichment step of the lifecycle-events pipe. Gets a batch of DynamoDB stream records,
// returns the events they stand for; the pipe puts each on the stack's event bus.
import type { DynamoDBRecord } from 'aws-lambda';
import { enrichRecords } from '../lib/events/enrich.ts';
import { getMaxAttemptsOf } from '../lib/events/runtime.ts';

export const handler = async (records: DynamoDBRecord[]) => enrichRecords(records, getMaxAttemptsOf());
