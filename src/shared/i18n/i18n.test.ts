import { describe, expect, it } from 'vitest';
import { fmt, formatDate, formatDateTime, localeFromAcceptLanguage, messages } from './index.ts';

function leaves(node: unknown, prefix = ''): [string, string][] {
  if (typeof node === 'string') return [[prefix, node]];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  const en = new Map(leaves(messages('en')));
  const ja = new Map(leaves(messages('ja')));

  it('have the same keys in Japanese and English', () => {
    expect([...ja.keys()].sort()).toEqual([...en.keys()].sort());
  });

  it('have no empty strings', () => {
    for (const [key, value] of [...en, ...ja]) expect(value.trim(), key).not.toBe('');
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, value] of en) expect(placeholders(ja.get(key)!), key).toEqual(placeholders(value));
  });

  it('are really translated (Japanese strings contain Japanese)', () => {
    // Placeholders ({name}) are not words: a string made only of placeholders and signs needs no translation.
    const untranslated = [...ja].filter(([k, v]) => v === en.get(k) && /[a-z]{4,}/i.test(v.replace(/\{\w+\}/g, '')) && !/^(Kizuna|English|ID)$/.test(v));
    expect(untranslated.map(([k]) => k)).toEqual([]);
  });
});

describe('fmt', () => {
  it('replaces known placeholders and keeps unknown ones', () => {
    expect(fmt('{a} and {b}', { a: 'x' })).toBe('x and {b}');
  });
});

describe('localeFromAcceptLanguage', () => {
  it('honours q-values and region tags', () => {
    expect(localeFromAcceptLanguage('en-US,en;q=0.9,ja;q=0.8')).toBe('en');
    expect(localeFromAcceptLanguage('fr-FR, ja;q=0.5, en;q=0.4')).toBe('ja');
    expect(localeFromAcceptLanguage('fr, de')).toBeUndefined();
    expect(localeFromAcceptLanguage(undefined)).toBeUndefined();
    expect(localeFromAcceptLanguage('ja;q=0, en;q=0.1')).toBe('en');
  });
});

describe('dates in the network time zone', () => {
  // 2026-03-31T15:30Z is 1 April 00:30 in Tokyo.
  const instant = new Date('2026-03-31T15:30:00Z');
  it('formats in Japanese style for ja', () => {
    expect(formatDate(instant, 'ja', 'Asia/Tokyo')).toBe('2026年4月1日');
    expect(formatDateTime(instant, 'ja', 'Asia/Tokyo')).toBe('2026年4月1日 00:30');
  });
  it('formats in English style for en, in the same zone', () => {
    expect(formatDate(instant, 'en', 'Asia/Tokyo')).toBe('1 Apr 2026');
    expect(formatDateTime(instant, 'en', 'Asia/Tokyo')).toMatch(/^1 Apr 2026,? 00:30$/);
  });
  it('follows the configured zone', () => {
    expect(formatDate(instant, 'en', 'Europe/London')).toBe('31 Mar 2026');
  });
});
