// `npm run bench:dynamodb-local`: what DynamoDB Local's JVM costs in CPU with the package's own command line
// and with Codegate's options (infra/local/dynamodb-local.ts: C1 only, no telemetry), started alternately.
// Each start: CPU until a table answers, then rounds of a PutItem, a conditional UpdateItem and a GetItem
// sent together through the SDK; the JVM's CPU time is read from /proc (Linux). Printed, not asserted.
//   BENCH_DDB_ROUNDS (default 3000), BENCH_DDB_STARTS (default 2 per variant)
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DYNAMODB_LOCAL_OPTIONS,
  freePort,
  JVM_OPTIONS,
  packageSpawn,
} from '../infra/local/dynamodb-local.ts';

const ROUNDS = Number(process.env.BENCH_DDB_ROUNDS ?? 3000);
const STARTS = Number(process.env.BENCH_DDB_STARTS ?? 2);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const TABLE = 'bench';

const VARIANTS: { name: string; jvm: readonly string[]; local: readonly string[] }[] = [
  { name: 'package defaults', jvm: [], local: [] },
  { name: "Codegate's options", jvm: JVM_OPTIONS, local: DYNAMODB_LOCAL_OPTIONS },
];

/** The package's java command line for this port, with a variant's options around it. */
function start(port: number, variant: (typeof VARIANTS)[number]): ChildProcess {
  const withOptions = ((command: string, args: string[], options: { cwd: string }) =>
    spawn(command, [...variant.jvm, ...args, ...variant.local], {
      cwd: options.cwd,
      stdio: 'ignore',
    })) as unknown as typeof spawn;
  return packageSpawn(withOptions)({ port, sharedDb: true, stdio: 'ignore' });
}

/** CPU seconds a process has used so far (user + system). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function run(variant: (typeof VARIANTS)[number]) {
  const port = await freePort();
  const jvm = start(port, variant);
  const db = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    for (;;) {
      try {
        await db.send(
          new CreateTableCommand({
            TableName: TABLE,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          }),
        );
        break;
      } catch (error) {
        if (!/ECONNREFUSED|socket hang up/.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const startup = cpuSeconds(jvm.pid ?? 0);
    const began = performance.now();
    for (let i = 0; i < ROUNDS; i++) {
      await Promise.all([
        db.send(
          new PutItemCommand({ TableName: TABLE, Item: { pk: { S: `k${i % 300}` }, v: { N: `${i}` } } }),
        ),
        db.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: { pk: { S: `c${i % 50}` } },
            UpdateExpression: 'ADD n :one',
            ConditionExpression: 'attribute_not_exists(n) OR n < :max',
            ExpressionAttributeValues: { ':one': { N: '1' }, ':max': { N: '1000000' } },
          }),
        ),
        db.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `k${i % 300}` } } })),
      ]);
    }
    const seconds = (performance.now() - began) / 1000;
    return { startup, work: cpuSeconds(jvm.pid ?? 0) - startup, seconds };
  } finally {
    db.destroy();
    jvm.kill('SIGKILL');
  }
}

console.log(`DynamoDB Local's JVM CPU: start-up, then ${ROUNDS * 3} requests (${ROUNDS} rounds of three)`);
for (let round = 0; round < STARTS; round++) {
  for (const variant of VARIANTS) {
    const { startup, work, seconds } = await run(variant);
    console.log(
      `  ${variant.name.padEnd(20)} start-up ${startup.toFixed(2)} s CPU   requests ${work.toFixed(2)} s CPU in ${seconds.toFixed(1)} s`,
    );
  }
}
