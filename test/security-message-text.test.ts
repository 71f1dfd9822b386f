// Issue 20, item 9: request-supplied text that lands in a message — Twilio's CustomFriendlyName, the app name
// in the mail subject and in every mail and SMS body — refuses control, line-separator and bidi characters
// with the dialect's parameter error, before anything is written or sent. Through the local runtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSafeMessageText } from '../lib/engine/message-text.ts';
import { startService, type TestService, twilioPost } from './helpers/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

/** Each refused character, by what it is. */
const REFUSED: [string, string][] = [
  ['NUL', '\u0000'],
  ['TAB', '\t'],
  ['LF', '\n'],
  ['CR', '\r'],
  ['ESC', '\u001b'],
  ['US (last C0)', '\u001f'],
  ['DEL', '\u007f'],
  ['PAD (first C1)', '\u0080'],
  ['NEL', '\u0085'],
  ['APC (last C1)', '\u009f'],
  ['LINE SEPARATOR', '\u2028'],
  ['PARAGRAPH SEPARATOR', '\u2029'],
  ['LRE', '\u202a'],
  ['RLE', '\u202b'],
  ['PDF', '\u202c'],
  ['LRO', '\u202d'],
  ['RLO', '\u202e'],
  ['LRI', '\u2066'],
  ['RLI', '\u2067'],
  ['FSI', '\u2068'],
  ['PDI', '\u2069'],
  ['ALM', '\u061c'],
  ['LRM', '\u200e'],
  ['RLM', '\u200f'],
];

describe('isSafeMessageText', () => {
  it.each(REFUSED)('refuses %s anywhere in the text', (_name, char) => {
    for (const text of [`${char}Acme`, `Ac${char}me`, `Acme${char}`])
      expect(isSafeMessageText(text)).toBe(false);
  });

  it.each([
    ['plain ASCII with punctuation', 'Acme Bank (EU) - login'],
    ['Chinese', '码门演示'],
    ['Arabic without bidi controls', 'بنك أكمي'],
    ['a ZWJ emoji sequence', 'Acme 👩‍💻'],
    ['a ZWNJ', 'می‌خواهم'],
    ['a no-break space', 'Acme\u00a0Bank'],
    ['the empty string', ''],
  ])('accepts %s', (_name, text) => {
    expect(isSafeMessageText(text)).toBe(true);
  });
});

describe('Twilio CustomFriendlyName', () => {
  let n = 0;
  const create = (friendlyName: string) => {
    const to = `friendly${++n}@example.com`;
    return {
      to,
      answer: twilioPost(service, '/Verifications', {
        To: to,
        Channel: 'email',
        CustomFriendlyName: friendlyName,
      }),
    };
  };

  it.each(REFUSED)(
    'with %s in it → 60200 naming CustomFriendlyName, and nothing sent',
    async (_name, char) => {
      for (const name of [`Acme${char}Bank`, `${char}Acme`, `Acme${char}`]) {
        const { to, answer } = create(name);
        const refused = await answer;
        expect(refused.status).toBe(400);
        expect(refused.body).toEqual({
          code: 60200,
          message:
            'Invalid parameter `CustomFriendlyName`: must not contain control, line-separator or bidi characters',
          more_info: 'https://www.twilio.com/docs/errors/60200',
          status: 400,
        });
        expect(service.messages(to)).toHaveLength(0);
      }
    },
  );

  it('a CRLF header injection attempt sends nothing', async () => {
    const { to, answer } = create('Acme\r\nBcc: x@example.net');
    expect((await answer).body.code).toBe(60200);
    expect(service.messages(to)).toHaveLength(0);
  });

  it('a name in another script, with an emoji, reaches the subject and the body as given', async () => {
    const name = '码门 👩‍💻';
    const { to, answer } = create(name);
    expect((await answer).status).toBe(201);
    const [message] = service.messages(to);
    expect(message?.subject).toContain(name);
    expect(message?.text).toContain(name);
  });
});
