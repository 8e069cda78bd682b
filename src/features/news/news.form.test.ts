/** The editor's form: time zones, the one-complete-language rule, limits; and the language a reader gets. */
import { describe, expect, it } from 'vitest';
import { messages } from '../../shared/i18n/index.ts';
import { fromZonedInput, MAX_TITLE, parsePostForm, parseText, toZonedInput } from './news.form.ts';
import { postForMail, versionFor } from './news.present.ts';
import type { PostRow } from './news.repository.ts';

const ja = messages('ja');
const opts = { timeZone: 'Asia/Tokyo', segmentIds: ['11111111-1111-4111-8111-111111111111'], future: true, now: new Date('2026-04-01T00:00:00Z') };

describe('publishing times in the network’s time zone', () => {
  it('reads a Tokyo wall-clock time as the right instant and shows it back', () => {
    const at = fromZonedInput('2026-04-01T09:00', 'Asia/Tokyo');
    expect(at?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(toZonedInput(at!, 'Asia/Tokyo')).toBe('2026-04-01T09:00');
    expect(fromZonedInput('2026-04-01 09:00', 'Asia/Tokyo')?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
  });

  it('follows daylight saving time in zones that have it', () => {
    expect(fromZonedInput('2026-07-01T09:00', 'Europe/London')?.toISOString()).toBe('2026-07-01T08:00:00.000Z');
    expect(fromZonedInput('2026-01-15T09:00', 'Europe/London')?.toISOString()).toBe('2026-01-15T09:00:00.000Z');
    expect(fromZonedInput('2026-03-08T12:00', 'America/New_York')?.toISOString()).toBe('2026-03-08T16:00:00.000Z');
  });

  it('refuses values that are not a real date and time', () => {
    for (const bad of ['', 'tomorrow', '2026-02-30T09:00', '2026-04-01T24:00', '2026-04-01T09:60', '2026-04-01T09:00:00', '<script>']) {
      expect(fromZonedInput(bad, 'Asia/Tokyo'), bad).toBeNull();
    }
  });
});

describe('the post form', () => {
  const valid = { titleJa: 'お知らせ', bodyJa: '本文です。', category: 'company', audience: 'everyone' };

  it('accepts one complete language and normalises line breaks', () => {
    const r = parsePostForm(ja, { ...valid, bodyJa: '一行目\r\n二行目' }, opts);
    expect(r.ok && r.data.bodyJa).toBe('一行目\n二行目');
    expect(r.ok && r.data.titleEn).toBeNull();
  });

  it('asks for at least one language, and a begun language to be finished (messages in Japanese)', () => {
    const none = parsePostForm(ja, { category: 'company', audience: 'everyone' }, opts);
    expect(!none.ok && none.errors.titleJa).toBe(ja.news.errors.noLanguage);
    const half = parsePostForm(ja, { ...valid, titleEn: 'News' }, opts);
    expect(!half.ok && half.errors.bodyEn).toContain('英語版の本文');
  });

  it('checks category, audience, segment, lengths and the publishing time', () => {
    const r = parsePostForm(ja, { titleJa: 'あ'.repeat(MAX_TITLE + 1), bodyJa: 'x', category: 'spam', audience: 'segment', segmentId: 'nope', publishAt: '2026-03-31T08:00' }, opts);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.titleJa).toContain(String(MAX_TITLE));
    expect(r.errors.category).toBe(ja.news.errors.category);
    expect(r.errors.segmentId).toBe(ja.news.errors.segment);
    expect(r.errors.publishAt).toBe(ja.news.errors.publishAtPast);
    const ok = parsePostForm(ja, { ...valid, audience: 'segment', segmentId: opts.segmentIds[0]!, publishAt: '2026-04-02T09:00' }, opts);
    expect(ok.ok && ok.data.publishAt?.toISOString()).toBe('2026-04-02T00:00:00.000Z');
  });

  it('limits comments and report reasons', () => {
    expect(parseText(ja, '   ', 10, 'comment')).toEqual({ ok: false, error: ja.news.errors.commentRequired });
    expect(parseText(ja, 'x'.repeat(11), 10, 'reason').ok).toBe(false);
    expect(parseText(ja, ' よろしく ', 10, 'comment')).toEqual({ ok: true, text: 'よろしく' });
  });
});

describe('language versions', () => {
  const post = { id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', titleJa: '日本語の題', bodyJa: '**本文**', titleEn: 'English title', bodyEn: 'Body with [a link](https://example.com)' } as PostRow;

  it('gives each reader their language, and the other one when theirs is missing', () => {
    expect(versionFor(post, 'ja').title).toBe('日本語の題');
    expect(versionFor(post, 'en').title).toBe('English title');
    expect(versionFor({ ...post, titleEn: null, bodyEn: null }, 'en')).toMatchObject({ lang: 'ja', title: '日本語の題' });
    // A title without a body is not a version.
    expect(versionFor({ ...post, bodyEn: null }, 'en').lang).toBe('ja');
  });

  it('renders a post for e-mail with text, safe HTML and its address', () => {
    const mail = postForMail(post, 'en', 'https://alumni.example.com/');
    expect(mail).toMatchObject({ title: 'English title', lang: 'en', url: `https://alumni.example.com/news/${post.id}` });
    expect(mail.text).toBe('Body with a link (https://example.com)');
    expect(mail.html).toContain('<a href="https://example.com" rel="nofollow noopener noreferrer ugc">a link</a>');
    expect(postForMail(post, 'ja', 'https://x.example').html).toContain('<strong>本文</strong>');
  });
});
