/** How an event's time and seats are said, in the event's own time zone: pages and mail say it the same way. */
import type { EventRow } from './audience.ts';
import { fmt, formatDate, formatDateTime, formatTime, messages, type Locale } from '../../shared/i18n/index.ts';

/** `{start} – {end} (zone)` in the event's zone, the end as a time only when it is the same day. */
export function whenText(event: Pick<EventRow, 'startsAt' | 'endsAt' | 'timeZone'>, locale: Locale): string {
  const m = messages(locale).events;
  const start = formatDateTime(event.startsAt, locale, event.timeZone);
  if (formatDate(event.startsAt, locale, event.timeZone) === formatDate(event.endsAt, locale, event.timeZone)) {
    return fmt(m.whenSameDay, { start, endTime: formatTime(event.endsAt, locale, event.timeZone), zone: event.timeZone });
  }
  return fmt(m.when, { start, end: formatDateTime(event.endsAt, locale, event.timeZone), zone: event.timeZone });
}

/** Seats left of the capacity, "full" (the waitlist), or no limit. */
export function seatsText(capacity: number | null, registered: number, locale: Locale): string {
  const s = messages(locale).events.seats;
  if (capacity === null) return s.unlimited;
  const left = capacity - registered;
  return left > 0 ? fmt(s.left, { left, capacity }) : s.full;
}
