// What a verification call says, and what a WhatsApp authentication template shows: the code digit by digit,
// twice, in the message's locale (SSML for Amazon Polly); the WhatsApp text is Meta's fixed wording for
// authentication templates, which Codegate only fills (the outbox shows it as the user would see it).
import type { Locale } from '../domain/vocabulary.ts';

const escapeXml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? '&apos;',
  );

const WORDS: Record<Locale, { intro: string; again: string; bye: string; comma: string; stop: string }> = {
  en: {
    intro: 'Your {app} verification code is',
    again: 'Again, your code is',
    bye: 'Goodbye.',
    comma: ', ',
    stop: '.',
  },
  'zh-CN': {
    intro: '您的{app}验证码是',
    again: '再说一遍，您的验证码是',
    bye: '再见。',
    comma: '，',
    stop: '。',
  },
};

/** The call's script, plain (the outbox, docs) and as SSML: the code read digit by digit, twice, with pauses. */
export function voiceScript(input: { appName: string; code: string; locale: Locale }): {
  text: string;
  ssml: string;
} {
  const words = WORDS[input.locale];
  const intro = words.intro.replace('{app}', input.appName);
  const digits = [...input.code];
  const spoken = digits.join(words.comma);
  const text = `${intro}: ${spoken}${words.stop} ${words.again}: ${spoken}${words.stop} ${words.bye}`;
  const read = digits
    .map((digit) => `<say-as interpret-as="digits">${digit}</say-as>`)
    .join('<break time="400ms"/>');
  const ssml =
    `<speak>${escapeXml(intro)}<break time="500ms"/><prosody rate="slow">${read}</prosody>` +
    `<break time="1s"/>${escapeXml(words.again)}<break time="500ms"/><prosody rate="slow">${read}</prosody>` +
    `<break time="500ms"/>${escapeXml(words.bye)}</speak>`;
  return { text, ssml };
}

const WHATSAPP: Record<Locale, { body: string; expiry: string }> = {
  en: {
    body: '{code} is your verification code. For your security, do not share this code.',
    expiry: 'This code expires in {minutes} minutes.',
  },
  'zh-CN': {
    body: '{code} 是您的验证码。为了您的安全，请勿分享此验证码。',
    expiry: '此验证码将在 {minutes} 分钟后失效。',
  },
};

/** The text of an authentication template as WhatsApp shows it (Meta fixes the wording; the code fills it). */
export function whatsappText(input: { code: string; minutes: number; locale: Locale }): { text: string } {
  const words = WHATSAPP[input.locale];
  const fill = (template: string) =>
    template.replace('{code}', input.code).replace('{minutes}', String(input.minutes));
  return { text: `${fill(words.body)}\n${fill(words.expiry)} [Copy code]` };
}
