/**
 * Rendering a newsletter: once per language into a template (subject, HTML, text) with
 * markers where each recipient's own parts go (name, unsubscribe and preferences links,
 * signed click links), then per recipient by filling the markers. A 100,000-recipient send
 * renders Markdown twice, not 100,000 times.
 *
 * The footer carries what 特定電子メール法 requires: the sender's name, postal address and
 * contact, and how to unsubscribe, in the message's language.
 */
import { fmt, messages, type Locale } from '../../shared/i18n/index.ts';
import { excerpt, markdownToText, renderMarkdown } from '../../shared/markdown.ts';
import type { MailPost, Newsletter } from './newsletters.repository.ts';
import { clickToken, unsubscribeToken } from './tokens.ts';

const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKER = /\uE000(N|U|P|L\d+)\uE001/g;
const marker = (key: string) => `${OPEN}${key}${CLOSE}`;
// A line break in a subject or name must never start a new header.
const LINE_BREAKS = /[\r\n\u2028\u2029\0]+/g;
const URL_PATTERN = /https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)'\]]+$/;

export interface SenderInfo {
  name: string;
  postalAddress: string;
  contact: string;
}

export type NewsletterText = Pick<Newsletter, 'id' | 'subjectJa' | 'subjectEn' | 'introJa' | 'introEn'>;

/** The language a member gets: theirs when the newsletter has it, otherwise the other one. */
export function contentLocale(n: Pick<NewsletterText, 'subjectJa' | 'subjectEn'>, preferred: Locale): Locale {
  const has = (l: Locale) => Boolean((l === 'ja' ? n.subjectJa : n.subjectEn)?.trim());
  if (has(preferred)) return preferred;
  return preferred === 'ja' ? 'en' : 'ja';
}

/** The languages a newsletter is written in. */
export function languagesOf(n: Pick<NewsletterText, 'subjectJa' | 'subjectEn'>): Locale[] {
  return (['ja', 'en'] as const).filter((l) => Boolean((l === 'ja' ? n.subjectJa : n.subjectEn)?.trim()));
}

export function cleanHeaderText(value: string): string {
  return value.replace(LINE_BREAKS, ' ').replace(/[\uE000\uE001]/g, '').trim();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function unescapeHtml(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** One language's rendered newsletter, with markers for the recipient's parts. */
export interface CompiledNewsletter {
  newsletterId: string;
  locale: Locale;
  subject: string;
  html: string;
  text: string;
  /** Link targets, by marker index. */
  links: string[];
}

function postText(p: MailPost, locale: Locale): { title: string; body: string } {
  const first = locale === 'en' ? { title: p.titleEn, body: p.bodyEn } : { title: p.titleJa, body: p.bodyJa };
  const other = locale === 'en' ? { title: p.titleJa, body: p.bodyJa } : { title: p.titleEn, body: p.bodyEn };
  const chosen = first.title?.trim() ? first : other;
  return { title: chosen.title ?? '', body: chosen.body ?? '' };
}

/** Renders a newsletter in one language (the newsletter's own text in that language, or the other). */
export function compileNewsletter(input: {
  newsletter: NewsletterText;
  posts: MailPost[];
  locale: Locale;
  sender: SenderInfo;
  networkName: string;
  baseUrl: string;
}): CompiledNewsletter {
  const { newsletter: n, locale, sender, baseUrl } = input;
  const v = messages(locale).newsletters.mail;
  const links: string[] = [];
  const link = (url: string) => {
    let i = links.indexOf(url);
    if (i < 0) i = links.push(url) - 1;
    return marker(`L${i}`);
  };
  const strip = (s: string | null) => (s ?? '').replace(/[\uE000\uE001]/g, '');
  const subject = cleanHeaderText(strip(locale === 'en' ? n.subjectEn || n.subjectJa : n.subjectJa || n.subjectEn));
  const intro = strip(locale === 'en' ? n.introEn || n.introJa : n.introJa || n.introEn);

  const introHtml = renderMarkdown(intro).replace(/href="(https?:\/\/[^"]+)"/g, (_all, href: string) => `href="${link(unescapeHtml(href))}"`);
  const introText = markdownToText(intro).replace(URL_PATTERN, (raw) => {
    const url = raw.replace(TRAILING_PUNCTUATION, '');
    return link(url) + raw.slice(url.length);
  });
  const postParts = input.posts.map((p) => {
    const { title, body } = postText(p, locale);
    return { title, excerpt: excerpt(body, 200), href: link(`${baseUrl}/news/${p.id}`) };
  });
  const footerVars = {
    network: input.networkName,
    senderName: sender.name,
    postalAddress: sender.postalAddress,
    contact: sender.contact,
    unsubscribe: marker('U'),
    preferences: marker('P'),
  };
  const footerLines = v.footer.map((line) => fmt(line, footerVars));

  const text = [
    fmt(v.greeting, { name: marker('N') }),
    '',
    introText,
    ...postParts.flatMap((p) => ['', `■ ${p.title}`, p.excerpt, `${v.readMore}: ${p.href}`]),
    '',
    '-- ',
    ...footerLines,
  ].join('\n');

  const html = [
    '<!doctype html>',
    `<html lang="${locale}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin: 0; padding: 16px; font-family: sans-serif; line-height: 1.7; color: #1a1a1a; background: #ffffff;">',
    '<div style="max-width: 640px; margin: 0 auto;">',
    `<p>${escapeHtml(fmt(v.greeting, { name: '\uE002' })).replace('\uE002', marker('N'))}</p>`,
    introHtml,
    ...postParts.map(
      (p) =>
        `<h2 style="font-size: 1.15em; margin: 1.5em 0 0.25em;"><a href="${p.href}" style="color: #0b5cad;">${escapeHtml(p.title)}</a></h2>\n` +
        `<p style="margin: 0 0 0.5em;">${escapeHtml(p.excerpt)}</p>\n<p style="margin: 0;"><a href="${p.href}" style="color: #0b5cad;">${escapeHtml(v.readMore)}</a></p>`,
    ),
    '<hr style="margin-top: 2em; border: 0; border-top: 1px solid #ccc;">',
    `<footer style="color: #555; font-size: 0.875em;">${footerLines.map((l) => `<p style="margin: 0.25em 0;">${linkMarkers(escapeHtml(l))}</p>`).join('\n')}</footer>`,
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');
  return { newsletterId: n.id, locale, subject, html, text, links };
}

/** In the footer, the unsubscribe and preferences URLs are shown and clickable. */
function linkMarkers(html: string): string {
  return html.replace(/\uE000([UP])\uE001/g, (m) => `<a href="${m}" style="color: #0b5cad;">${m}</a>`);
}

export interface Recipient {
  userId: string;
  name: string;
}

export interface PersonalisedMail {
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

/** The unsubscribe page of a member (also the RFC 8058 one-click POST target). */
export function unsubscribeUrl(baseUrl: string, secret: string, userId: string): string {
  return `${baseUrl}/u/${unsubscribeToken(secret, userId)}`;
}

/**
 * One member's copy: their name, their signed unsubscribe and preferences links, and (with
 * `track`) links through /r/<signed token> that record a click. `preview` puts inert links
 * instead of live tokens, for the operator's preview page.
 */
export function personalise(
  c: CompiledNewsletter,
  r: Recipient,
  opts: { baseUrl: string; secret: string; track: boolean; preview?: boolean },
): PersonalisedMail {
  const unsubscribe = opts.preview ? `${opts.baseUrl}/u/…` : unsubscribeUrl(opts.baseUrl, opts.secret, r.userId);
  const preferences = opts.preview ? `${opts.baseUrl}/u/…/preferences` : `${unsubscribe}/preferences`;
  const name = cleanHeaderText(r.name);
  const fill = (template: string, escape: (s: string) => string) =>
    template.replace(MARKER, (_all, key: string) => {
      if (key === 'N') return escape(name);
      if (key === 'U') return escape(unsubscribe);
      if (key === 'P') return escape(preferences);
      const url = c.links[Number(key.slice(1))] ?? opts.baseUrl;
      if (!opts.track || opts.preview) return escape(url);
      return escape(`${opts.baseUrl}/r/${clickToken(opts.secret, { newsletterId: c.newsletterId, userId: r.userId, url })}`);
    });
  return {
    subject: c.subject,
    html: fill(c.html, escapeHtml),
    text: fill(c.text, (s) => s),
    headers: {
      // RFC 8058: one-click unsubscribe by POST to this https URL; RFC 2369 for the rest.
      'List-Unsubscribe': `<${unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `<newsletter.${new URL(opts.baseUrl).hostname}>`,
      'Content-Language': c.locale,
    },
  };
}
