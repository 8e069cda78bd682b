/** How an event's time and seats are said, in the event's own time zone: pages and mail say it the same way. */
import type { EventRow } from './audience.ts';
import { fmt, formatDate, formatDayDateTime, formatTime, messages, type Locale } from '../../shared/i18n/index.ts';

/** Zone names, looked up once per zone and language: creating an Intl.DateTimeFormat costs far more than using it. */
const zoneNames = new Map<string, string | null>();

/**
 * A zone's name in the language (米国東部時間, Eastern Time), from Intl; null when Intl only
 * knows an offset for it (UTC is "GMT+00:00" as a generic name, so its specific name is taken).
 */
export function zoneName(zone: string, locale: Locale): string | null {
  const key = `${locale}|${zone}`;
  if (zoneNames.has(key)) return zoneNames.get(key)!;
  const nameIn = (style: 'longGeneric' | 'long') =>
    new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: zone, timeZoneName: style }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const name = [nameIn('longGeneric'), nameIn('long')].find((n) => n && !/^(GMT|UTC)([+\-−]|$)/.test(n)) ?? null;
  zoneNames.set(key, name);
  return name;
}

/** A zone as people read it: "米国東部時間 / America/New_York", or the IANA name alone when Intl has no name for it. */
export function zoneText(zone: string, locale: Locale): string {
  const name = zoneName(zone, locale);
  return name ? fmt(messages(locale).events.zoneNamed, { name, zone }) : zone;
}

/**
 * `{start}〜{end}` in the event's zone, each with the day of the week, the end as a time only
 * when it is the same day. The zone is named only when it differs from `networkZone` (every
 * other time on the site is in the network's zone); without `networkZone` it is always named.
 */
export function whenText(event: Pick<EventRow, 'startsAt' | 'endsAt' | 'timeZone'>, locale: Locale, networkZone?: string): string {
  const m = messages(locale).events;
  const zone = event.timeZone;
  const start = formatDayDateTime(event.startsAt, locale, zone);
  const when =
    formatDate(event.startsAt, locale, zone) === formatDate(event.endsAt, locale, zone)
      ? fmt(m.whenSameDay, { start, endTime: formatTime(event.endsAt, locale, zone) })
      : fmt(m.when, { start, end: formatDayDateTime(event.endsAt, locale, zone) });
  return inZone(when, zone, locale, networkZone);
}

/** One instant of an event (its registration deadline) in the event's zone, said like `whenText`. */
export function momentText(date: Date, zone: string, locale: Locale, networkZone?: string): string {
  return inZone(formatDayDateTime(date, locale, zone), zone, locale, networkZone);
}

/** A time, with its zone named when that is not the network's. */
function inZone(text: string, zone: string, locale: Locale, networkZone: string | undefined): string {
  return zone === networkZone ? text : fmt(messages(locale).events.whenInZone, { when: text, zone: zoneText(zone, locale) });
}

/** Seats left of the capacity, "full" (the waitlist), or no limit. */
export function seatsText(capacity: number | null, registered: number, locale: Locale): string {
  const s = messages(locale).events.seats;
  if (capacity === null) return s.unlimited;
  const left = capacity - registered;
  return left > 0 ? fmt(s.left, { left, capacity }) : s.full;
}
