/**
 * Typed message catalogues. `en` defines the shape; every other language is typed
 * against it, so a key missing in one language fails the type check.
 */
import { en } from './messages/en.ts';
import { ja } from './messages/ja.ts';

export type Locale = 'ja' | 'en';
export const LOCALES: readonly Locale[] = ['ja', 'en'];
export const DEFAULT_LOCALE: Locale = 'ja';

/** The catalogue's shape with every leaf widened to string. */
type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof en>;

const catalogues: Record<Locale, Messages> = { ja, en };

export function messages(locale: Locale): Messages {
  return catalogues[locale];
}

export function isLocale(value: unknown): value is Locale {
  return value === 'ja' || value === 'en';
}

/** Replaces `{name}` placeholders. Unknown placeholders are left as they are. */
export function fmt(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}

/** Picks a locale from an Accept-Language header (q-values honoured). */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number.parseFloat(q.slice(2)) || 0 : 1 };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    if (isLocale(base)) return base;
  }
  return undefined;
}

const dateTimeFormats: Record<Locale, Intl.DateTimeFormatOptions> = {
  ja: { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' },
  en: { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false },
};

/**
 * Creating an Intl.DateTimeFormat costs far more than using one (a directory page with 20
 * dates spent most of its rendering time creating them), so each is made once and kept.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(kind: 'date' | 'dateTime' | 'dayDateTime' | 'time', locale: Locale, timeZone: string): Intl.DateTimeFormat {
  const key = `${kind}|${locale}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'dateTime' || kind === 'dayDateTime'
        ? { ...dateTimeFormats[locale], ...(kind === 'dayDateTime' ? { weekday: 'short' } : {}), timeZone }
        : kind === 'time'
          ? { hour: '2-digit', minute: '2-digit', hour12: false, timeZone }
          : { year: 'numeric', month: locale === 'ja' ? 'long' : 'short', day: 'numeric', timeZone };
    f = new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', options);
    formatters.set(key, f);
  }
  return f;
}

/** Formats an instant in the network's time zone, in the language's usual way. */
export function formatDateTime(date: Date, locale: Locale, timeZone: string): string {
  return formatter('dateTime', locale, timeZone).format(date);
}

/** With the day of the week, for when something happens (an event): 2026年12月13日(日) 19:00, Sun, 13 Dec 2026, 19:00. */
export function formatDayDateTime(date: Date, locale: Locale, timeZone: string): string {
  return formatter('dayDateTime', locale, timeZone).format(date);
}

/** Dates formatted recently (list pages show the same cards again and again; Intl formatting is slow). */
const formattedDates = new Map<string, string>();

export function formatDate(date: Date, locale: Locale, timeZone: string): string {
  const key = `${locale}|${timeZone}|${date.getTime()}`;
  let text = formattedDates.get(key);
  if (text === undefined) {
    text = formatter('date', locale, timeZone).format(date);
    if (formattedDates.size >= 20_000) formattedDates.clear();
    formattedDates.set(key, text);
  }
  return text;
}

/** The time of day only (an event's end on the day it starts). */
export function formatTime(date: Date, locale: Locale, timeZone: string): string {
  return formatter('time', locale, timeZone).format(date);
}
