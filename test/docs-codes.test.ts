// Each dialect doc's code table says what the code says: every code a dialect's table holds is a row of its
// doc with the same message (and HTTP status where the dialect has several), and every row names a real code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MESSAGES as ACCELERONIX,
  SEND_EMAIL_CODES,
  SEND_SMS_CODES,
} from '../lib/dialects/acceleronix/codes.ts';
import { FORBIDDEN_EXT } from '../lib/dialects/acceleronix/index.ts';
import { MESSAGES as ANQICMS } from '../lib/dialects/anqicms/codes.ts';
import { ERRORS as EIAM } from '../lib/dialects/eiam/codes.ts';
import { MESSAGES as FRESNS } from '../lib/dialects/fresns/codes.ts';
import { ERRORS as NATIVE } from '../lib/dialects/native/index.ts';
import { ERRORS as TWILIO } from '../lib/dialects/twilio/codes.ts';

const doc = (name: string) => readFileSync(join(import.meta.dirname, '../docs/dialects', name), 'utf8');

/** The rows of the Markdown tables in `text`, as trimmed cells (header and divider rows included). */
function rows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.trimStart().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replaceAll('`', '')),
    );
}

/** The part of a doc under a heading (up to the next heading of the same or a higher level). */
function section(text: string, heading: string): string {
  const start = text.indexOf(heading);
  if (start < 0) throw new Error(`no section ${heading}`);
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const rest = text.slice(start + heading.length);
  const end = rest.search(new RegExp(`\\n#{1,${level}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

describe('docs/dialects/acceleronix.md', () => {
  const text = doc('acceleronix.md');
  const email = rows(section(text, '## Seed 000'));
  const sms = rows(section(text, '### Every code this endpoint emits'));

  it('the seed 000 table has a row for each code sendEmail answers, with its msg', () => {
    for (const code of SEND_EMAIL_CODES) {
      const row = email.find((cells) => cells[0] === String(code));
      expect(row, `no row for ${code}`).toBeDefined();
      expect(row?.[1]).toBe(ACCELERONIX[code]);
    }
    const documented = email.map((cells) => cells[0]).filter((cell) => /^\d+$/.test(cell ?? ''));
    expect(new Set(documented)).toEqual(new Set(SEND_EMAIL_CODES.map(String)));
  });

  it('the seed 002 table has a row for each code sendPhoneSmsCode answers, with its msg', () => {
    for (const code of SEND_SMS_CODES) {
      const matching = sms.filter((cells) => cells[0] === String(code));
      expect(matching.length, `no row for ${code}`).toBeGreaterThan(0);
      for (const row of matching) expect(row[1], `row of ${code}`).toBe(ACCELERONIX[code]);
    }
    const documented = sms.map((cells) => cells[0]).filter((cell) => /^\d+$/.test(cell ?? ''));
    expect(new Set(documented)).toEqual(new Set(SEND_SMS_CODES.map(String)));
    // The two 403s tell themselves apart by extMsg, as the code writes it.
    const forbidden = sms
      .filter((cells) => cells[0] === '403')
      .map((cells) => cells[2]?.replace(/: the number reads as \{country\}$/, ''));
    expect(new Set(forbidden)).toEqual(new Set([FORBIDDEN_EXT.country, FORBIDDEN_EXT.origin]));
  });
});

describe('docs/dialects/fresns.md', () => {
  it('a row for each code, with its English and Chinese message; no other code', () => {
    const table = rows(section(doc('fresns.md'), '## Every code this endpoint emits'));
    for (const [code, [en, zh]] of Object.entries(FRESNS)) {
      const row = table.find((cells) => cells[0] === code);
      expect(row, `no row for ${code}`).toBeDefined();
      expect(row?.[1]).toBe(`${en} / ${zh}`);
    }
    const documented = table.map((cells) => cells[0]).filter((cell) => /^\d+$/.test(cell ?? ''));
    expect(new Set(documented)).toEqual(new Set(Object.keys(FRESNS)));
  });
});

describe('docs/dialects/anqicms.md', () => {
  it('a row for each message, with its code and both texts; no other', () => {
    const table = rows(section(doc('anqicms.md'), '## Every code this dialect emits'));
    const documented = table.filter((cells) => /^-?\d+$/.test(cells[0] ?? ''));
    for (const [id, message] of Object.entries(ANQICMS)) {
      const row = documented.find((cells) => cells[1] === `${message['zh-CN']} / ${message.en}`);
      expect(row, `no row for ${id}`).toBeDefined();
      expect(row?.[0]).toBe(String(message.code));
    }
    expect(documented).toHaveLength(Object.keys(ANQICMS).length);
  });
});

describe('docs/dialects/eiam.md', () => {
  it('a row for each error_code, with its HTTP status and both texts; no other', () => {
    const table = rows(section(doc('eiam.md'), '## Every code these endpoints emit'));
    const documented = table.filter((cells) => /^SDK\./.test(cells[0] ?? ''));
    for (const [code, entry] of Object.entries(EIAM)) {
      const row = documented.find((cells) => cells[0] === code);
      expect(row, `no row for ${code}`).toBeDefined();
      expect(row?.[1]?.replaceAll('*', '')).toBe(String(entry.status));
      expect(row?.[2]).toBe(`${entry.en} / ${entry.zh}`);
    }
    expect(documented).toHaveLength(Object.keys(EIAM).length);
  });
});

describe('docs/dialects/native.md', () => {
  it('a row for each error code, with its HTTP status; no other', () => {
    const table = rows(section(doc('native.md'), '## Error codes'));
    const documented = table.filter((cells) => /^\d{3}$/.test(cells[0] ?? ''));
    for (const [code, [status]] of Object.entries(NATIVE)) {
      const row = documented.find((cells) => cells[1] === code);
      expect(row, `no row for ${code}`).toBeDefined();
      expect(row?.[0]).toBe(String(status));
    }
    expect(documented).toHaveLength(Object.keys(NATIVE).length);
  });
});

describe('docs/dialects/twilio.md', () => {
  it('a row for each error code, with its HTTP status; no other', () => {
    const table = rows(section(doc('twilio.md'), '## Error codes'));
    const documented = table.filter((cells) => /^\d{3}$/.test(cells[0] ?? ''));
    for (const [code, [status]] of Object.entries(TWILIO)) {
      const row = documented.find((cells) => cells[1] === code);
      expect(row, `no row for ${code}`).toBeDefined();
      expect(row?.[0]).toBe(String(status));
    }
    expect(documented).toHaveLength(Object.keys(TWILIO).length);
  });
});

describe('the table reader', () => {
  it('reads cells, drops backticks, keeps escaped pipes inside a cell', () => {
    expect(rows('text\n| a | `b` |\n|---|---|\n| 1 | x \\| y |')).toEqual([
      ['a', 'b'],
      ['---', '---'],
      ['1', 'x \\| y'],
    ]);
    expect(section('## A\none\n### B\ntwo\n## C\nthree', '## A')).toBe('\none\n### B\ntwo');
  });
});
