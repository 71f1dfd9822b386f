// Every parameter of Twilio's API definition for the four implemented operations is honoured or refused:
// the table in docs/dialects/twilio.md ("Parameters") is read here and driven row by row over HTTP.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARAMETERS } from '../lib/dialects/twilio/parameters.ts';
import { startService, type TestService } from './helpers/service.ts';

const SERVICE = 'VA0123456789abcdef0123456789abcdef';
const basic = `Basic ${Buffer.from('AC0123456789abcdef0123456789abcdef:demo-twilio-auth-token').toString('base64')}`;
const spec = JSON.parse(readFileSync('test/fixtures/twilio-verify-v2-parameters.json', 'utf8')) as {
  operations: Record<string, { body_parameters: string[] }>;
};

interface Row {
  operation: string;
  parameter: string;
  channel: 'sms' | 'email';
  example: string;
  status: number;
  code?: number;
}

/** The rows of the doc's parameter table. */
function table(): Row[] {
  const doc = readFileSync('docs/dialects/twilio.md', 'utf8');
  const section = doc.slice(doc.indexOf('## Parameters'), doc.indexOf('## How a sid maps'));
  return section
    .split('\n')
    .filter((line) => /^\| \w+ \| `/.test(line))
    .map((line) => {
      const [operation = '', parameter = '', channel = '', example = '', answer = ''] = line
        .split(' | ')
        .map((cell) => cell.replace(/^\| /, '').replace(/^`|`$/g, ''));
      const [status, code] = answer.split(' ').map(Number);
      return { operation, parameter, channel: channel as Row['channel'], example, status: status ?? 0, code };
    });
}

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

let n = 0;
const freshTo = (channel: 'sms' | 'email') =>
  channel === 'email' ? `param-${++n}@example.com` : `+1202555${String(3000 + ++n).padStart(4, '0')}`;

const post = (path: string, form: Record<string, string>) =>
  service.request('POST', `/v2/Services/${SERVICE}${path}`, {
    body: new URLSearchParams(form).toString(),
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
  });

describe("Twilio's parameters, one table", () => {
  const rows = table();

  it('the table lists exactly the parameters of the API definition, and the parser reads exactly those', () => {
    for (const [operation, { body_parameters }] of Object.entries(spec.operations)) {
      const listed = rows.filter((row) => row.operation === operation).map((row) => row.parameter);
      expect(listed.sort(), operation).toEqual([...body_parameters].sort());
      expect([...(PARAMETERS[operation as keyof typeof PARAMETERS] ?? [])].sort(), operation).toEqual(
        [...body_parameters].sort(),
      );
    }
    expect(new Set(rows.map((row) => row.operation))).toEqual(
      new Set(Object.keys(spec.operations).filter((name) => spec.operations[name]?.body_parameters.length)),
    );
  });

  it.each(table().map((row) => [`${row.operation} ${row.parameter}=${row.example}`, row] as const))(
    '%s answers as the table says, and a refusal sends nothing',
    async (_name, row) => {
      const to = freshTo(row.channel);
      let response: Awaited<ReturnType<typeof post>>;
      if (row.operation === 'CreateVerification') {
        response = await post('/Verifications', {
          To: to,
          Channel: row.channel,
          [row.parameter]: row.example,
        });
        if (row.status >= 400) expect(service.messages(to)).toHaveLength(0);
      } else {
        const created = await post('/Verifications', { To: to, Channel: row.channel });
        expect(created.status).toBe(201);
        response =
          row.operation === 'UpdateVerification'
            ? await post(`/Verifications/${created.body.sid}`, { [row.parameter]: row.example })
            : await post('/VerificationCheck', {
                To: to,
                Code: service.lastCode(to),
                [row.parameter]: row.example,
              });
      }
      expect(response.status).toBe(row.status);
      if (row.code !== undefined) expect(response.body.code).toBe(row.code);
      if (row.status >= 400 && row.code === 60200) expect(response.body.message).toContain(row.parameter);
    },
  );
});
