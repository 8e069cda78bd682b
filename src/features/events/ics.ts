/**
 * Calendar files for events (RFC 5545; iTIP methods of RFC 5546). Written by hand: the format
 * is small, and what matters — CRLF, folding at 75 octets without splitting a UTF-8 character,
 * text escaping, a stable UID with a rising SEQUENCE, and the event's own time zone described
 * by a VTIMEZONE — is easier to get right and test here than to configure in a library.
 *
 * The VTIMEZONE is computed from Intl: the zone's offset transitions are found around the
 * event (a day's steps, then a binary search to the minute), so the file needs no time zone
 * database and agrees with how the event's times are entered and shown.
 */
import { zoneOffsetMinutes } from '../../shared/i18n/zoned.ts';
import { markdownToText } from '../../shared/markdown.ts';

export type IcsMethod = 'REQUEST' | 'PUBLISH' | 'CANCEL';

export interface IcsEvent {
  id: string;
  title: string;
  /** Markdown; written as plain text. */
  description: string | null;
  timeZone: string;
  startsAt: Date;
  endsAt: Date;
  sequence: number;
  state: 'draft' | 'published' | 'cancelled';
}

export interface IcsOptions {
  /** REQUEST for a registration's mail, PUBLISH for a download, CANCEL when the event is cancelled. */
  method: IcsMethod;
  /** The event page (URL property, and the end of the description). */
  url: string;
  /** The network as organiser (its name and sending address). */
  organizer: { name: string; email: string };
  /** The member the file is for (iTIP REQUEST and CANCEL name their attendee). */
  attendee?: { name: string; email: string } | undefined;
  /** Address or meeting URL: only in the files of people who may know it. */
  location?: string | null | undefined;
  now: Date;
}

const DAY_MS = 24 * 3600 * 1000;
/** How far around the event the zone's transitions are described. */
const WINDOW_MS = 366 * DAY_MS;

/** The event's UID: stable for the event's life, so every update and the cancellation replace the same calendar entry. */
export function eventUid(eventId: string, siteUrl: string): string {
  return `${eventId}@${new URL(siteUrl).hostname}`;
}

/** TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n?|\n/g, '\\n');
}

/** A quoted parameter value (CN): quotes are not allowed inside, control characters never. */
function paramValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return `"${value.replace(/["\u0000-\u001f\u007f]/g, ' ').trim()}"`;
}

const utf8 = new TextEncoder();

/**
 * Folds one content line at 75 octets (RFC 5545 3.1): continuation lines begin with a space,
 * which counts toward their 75. Characters are never split, so Japanese text stays valid UTF-8.
 */
export function foldLine(line: string): string {
  if (utf8.encode(line).length <= 75) return line;
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = utf8.encode(ch).length;
    if (octets + size > 75) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYYMMDDTHHMMSS` of a Date's UTC fields. */
function basicDateTime(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

const utcStamp = (d: Date) => `${basicDateTime(d)}Z`;

/** The wall clock of `timeZone` at an instant (seconds kept), as `YYYYMMDDTHHMMSS`. */
function localStamp(d: Date, timeZone: string): string {
  return basicDateTime(new Date(d.getTime() + zoneOffsetMinutes(d, timeZone) * 60_000));
}

/** `+0900`, `-0400`. */
function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

export interface Transition {
  /** The first instant of the new offset. */
  at: Date;
  from: number;
  to: number;
}

/** The zone's offset changes between two instants, to the minute. */
export function offsetTransitions(timeZone: string, from: Date, to: Date): Transition[] {
  const offset = (ms: number) => zoneOffsetMinutes(new Date(ms), timeZone);
  const out: Transition[] = [];
  let prevAt = from.getTime();
  let prev = offset(prevAt);
  for (let t = prevAt + DAY_MS; t <= to.getTime() + DAY_MS; t += DAY_MS) {
    const current = offset(t);
    if (current !== prev) {
      let lo = prevAt;
      let hi = t;
      while (hi - lo > 60_000) {
        const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000;
        if (offset(mid) === prev) lo = mid;
        else hi = mid;
      }
      out.push({ at: new Date(hi), from: prev, to: current });
    }
    prevAt = t;
    prev = current;
  }
  return out;
}

const zoneNames = new Map<string, Intl.DateTimeFormat>();

/** The zone's usual abbreviation at an instant (EDT, GMT+9), for TZNAME. */
function zoneAbbreviation(at: Date, timeZone: string): string {
  let f = zoneNames.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' });
    zoneNames.set(timeZone, f);
  }
  return f.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/**
 * A VTIMEZONE for the zone around [start, end]: the offset in force a year before the start
 * (from 1970, so every time of the event is covered), then one observance per transition up
 * to a year after the end. A zone without daylight saving (Asia/Tokyo) has one STANDARD block.
 */
export function vtimezoneLines(timeZone: string, start: Date, end: Date): string[] {
  const from = new Date(start.getTime() - WINDOW_MS);
  const to = new Date(end.getTime() + WINDOW_MS);
  const initial = zoneOffsetMinutes(from, timeZone);
  const changes = offsetTransitions(timeZone, from, to);
  const lowest = Math.min(initial, ...changes.map((c) => c.to));
  const block = (kind: 'STANDARD' | 'DAYLIGHT', dtstart: string, off1: number, off2: number, name: string) => [
    `BEGIN:${kind}`,
    `DTSTART:${dtstart}`,
    `TZOFFSETFROM:${offsetText(off1)}`,
    `TZOFFSETTO:${offsetText(off2)}`,
    `TZNAME:${escapeText(name)}`,
    `END:${kind}`,
  ];
  return [
    'BEGIN:VTIMEZONE',
    `TZID:${timeZone}`,
    ...block(initial > lowest ? 'DAYLIGHT' : 'STANDARD', '19700101T000000', initial, initial, zoneAbbreviation(from, timeZone)),
    // An observance's DTSTART is the wall clock just before the change, in the old offset.
    ...changes.flatMap((c) =>
      block(c.to > c.from ? 'DAYLIGHT' : 'STANDARD', basicDateTime(new Date(c.at.getTime() + c.from * 60_000)), c.from, c.to, zoneAbbreviation(c.at, timeZone)),
    ),
    'END:VTIMEZONE',
  ];
}

/** The calendar file of an event, CRLF line ends, folded. */
export function eventIcs(event: IcsEvent, opts: IcsOptions): string {
  const cancelled = opts.method === 'CANCEL' || event.state === 'cancelled';
  const description = [event.description ? markdownToText(event.description) : '', opts.url].filter(Boolean).join('\n\n');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Kizuna//Events//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${opts.method}`,
    ...vtimezoneLines(event.timeZone, event.startsAt, event.endsAt),
    'BEGIN:VEVENT',
    `UID:${eventUid(event.id, opts.url)}`,
    `DTSTAMP:${utcStamp(opts.now)}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTART;TZID=${event.timeZone}:${localStamp(event.startsAt, event.timeZone)}`,
    `DTEND;TZID=${event.timeZone}:${localStamp(event.endsAt, event.timeZone)}`,
    `SUMMARY:${escapeText(event.title)}`,
    `DESCRIPTION:${escapeText(description)}`,
    ...(opts.location ? [`LOCATION:${escapeText(opts.location)}`] : []),
    `URL:${opts.url}`,
    `ORGANIZER;CN=${paramValue(opts.organizer.name)}:mailto:${opts.organizer.email}`,
    ...(opts.attendee ? [`ATTENDEE;CN=${paramValue(opts.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:${opts.attendee.email}`] : []),
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}

/** A Google Calendar "add event" link (times in UTC, shown in the event's zone). */
export function googleCalendarUrl(event: Pick<IcsEvent, 'title' | 'timeZone' | 'startsAt' | 'endsAt'>, opts: { details: string; location?: string | null | undefined }): string {
  const q = new URLSearchParams({
    action: 'TEMPLATE',
    text: event.title,
    dates: `${utcStamp(event.startsAt)}/${utcStamp(event.endsAt)}`,
    ctz: event.timeZone,
    details: opts.details,
  });
  if (opts.location) q.set('location', opts.location);
  return `https://calendar.google.com/calendar/render?${q.toString()}`;
}
