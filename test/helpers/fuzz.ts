// Test helper: fuzzing an HTTP route with requests drawn up front and sent a few at a time, so the local runtime,
// DynamoDB Local and the test overlap (a sequential fast-check run leaves two of them idle at every step). A failure
// names the seed and the input: `fc.sample(arbitrary, { numRuns, seed })` draws the same inputs again.
import fc from 'fast-check';

export async function fuzzInPool<T>(
  arbitrary: fc.Arbitrary<T>,
  task: (input: T) => Promise<void>,
  { runs = 1000, inFlight = 4 }: { runs?: number; inFlight?: number } = {},
): Promise<void> {
  const seed = Date.now() ^ Math.floor(Math.random() * 2 ** 31);
  const inputs = fc.sample(arbitrary, { numRuns: runs, seed });
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const input = inputs[next++] as T;
      try {
        await task(input);
      } catch (error) {
        throw new Error(`seed ${seed}, input ${JSON.stringify(input)}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** HTTP Basic credentials. */
export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The demo tenant's Twilio account and auth token, as a client sends them. */
export const TWILIO_DEMO_AUTH = basic('AC0123456789abcdef0123456789abcdef', 'demo-twilio-auth-token');

/** Any text a client might put in a field: strings, graphemes, numbers and the usual troublemakers. */
export const fuzzText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '11',
    '1e3',
    '99999999999',
    'true',
    'false',
    'null',
    '%00',
    '../../etc',
    '{}',
    'é',
    '\u0000',
  ),
  fc.integer().map(String),
);

/** Twilio credentials: mostly the demo account's, else another tenant's, a wrong token, junk or none. */
export const twilioAuth = fc.oneof(
  { weight: 12, arbitrary: fc.constant(TWILIO_DEMO_AUTH) },
  fc.constant(basic('AC00000000000000000000000000000002', 'other-twilio-auth-token')),
  fc.constant(basic('AC0123456789abcdef0123456789abcdef', 'wrong')),
  fuzzText.map((value) => basic(value, value)),
  fc.constantFrom('', 'Basic', 'Basic !!!', 'Bearer demo-api-key'),
);

/** The body's declared type: mostly a form, as Twilio's clients send. */
export const twilioContentType = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded',
  'application/json',
  'text/plain',
);
