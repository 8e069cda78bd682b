/**
 * Calendar files parsed back with ical.js: the start and end instants in a zone without
 * daylight saving (Asia/Tokyo) and in one with it (America/New_York in July and in January),
 * escaping and folding of Japanese text, CRLF and 75-octet lines, and the cancellation.
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { escapeText, eventIcs, eventUid, foldLine, googleCalendarUrl, offsetTransitions, type IcsEvent, type IcsOptions } from './ics.ts';

const ID = '0b6f3c1e-8a1d-4c55-9a0e-2f4b8c9d7e61';
const URL_ = `https://alumni.example.jp/events/${ID}`;

function event(over: Partial<IcsEvent> = {}): IcsEvent {
  return {
    id: ID,
    title: 'アルムナイ交流会',
    description: '**夏の**交流会です。\n\n- 軽食あり\n- [申込](https://alumni.example.jp/events)',
    timeZone: 'Asia/Tokyo',
    startsAt: new Date('2026-07-10T10:00:00Z'),
    endsAt: new Date('2026-07-10T12:30:00Z'),
    sequence: 0,
    state: 'published',
    ...over,
  };
}

function options(over: Partial<IcsOptions> = {}): IcsOptions {
  return {
    method: 'REQUEST',
    url: URL_,
    organizer: { name: '絆 アルムナイ', email: 'noreply@alumni.example.jp' },
    attendee: { name: '山田 花子', email: 'hanako@example.com' },
    location: '東京本社 12F, 東京都千代田区丸の内1-1-1',
    now: new Date('2026-06-01T00:00:00Z'),
    ...over,
  };
}

/** Parses a file the way a calendar does: the VTIMEZONE it carries decides what its local times mean. */
function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vtimezone = calendar.getFirstSubcomponent('vtimezone');
  expect(vtimezone, 'the file carries its VTIMEZONE').toBeTruthy();
  const zone = new ICAL.Timezone(vtimezone!);
  // The global service resolves TZID references; registering replaces any earlier zone of that name.
  ICAL.TimezoneService.register(zone);
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  return { calendar, zone, vevent, event: new ICAL.Event(vevent) };
}

describe('eventIcs parsed back with ical.js', () => {
  it('Asia/Tokyo: the same instants, TZID, one STANDARD block and no DAYLIGHT', () => {
    const ics = eventIcs(event(), options());
    const { calendar, zone, event: parsed, vevent } = parse(ics);
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(zone.tzid).toBe('Asia/Tokyo');
    expect(parsed.startDate.zone?.tzid).toBe('Asia/Tokyo');
    expect(parsed.startDate.toString()).toBe('2026-07-10T19:00:00');
    expect(parsed.startDate.toJSDate().toISOString()).toBe('2026-07-10T10:00:00.000Z');
    expect(parsed.endDate.toJSDate().toISOString()).toBe('2026-07-10T12:30:00.000Z');
    const vtimezone = calendar.getFirstSubcomponent('vtimezone')!;
    expect(vtimezone.getAllSubcomponents('standard')).toHaveLength(1);
    expect(vtimezone.getAllSubcomponents('daylight')).toHaveLength(0);
    expect(vtimezone.getFirstSubcomponent('standard')!.getFirstPropertyValue('tzoffsetto')?.toString()).toBe('+09:00');
    expect(parsed.uid).toBe(`${ID}@alumni.example.jp`);
    expect(parsed.sequence).toBe(0);
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(vevent.getFirstPropertyValue('url')).toBe(URL_);
    expect(vevent.getFirstPropertyValue('organizer')).toBe('mailto:noreply@alumni.example.jp');
    expect(vevent.getFirstProperty('organizer')!.getParameter('cn')).toBe('絆 アルムナイ');
    expect(vevent.getFirstPropertyValue('attendee')).toBe('mailto:hanako@example.com');
    expect(vevent.getFirstPropertyValue('dtstamp')?.toString()).toBe('2026-06-01T00:00:00Z');
  });

  it('America/New_York in July (EDT, UTC−4) and in January (EST, UTC−5)', () => {
    const july = parse(eventIcs(event({ timeZone: 'America/New_York', startsAt: new Date('2026-07-10T23:00:00Z'), endsAt: new Date('2026-07-11T01:00:00Z') }), options()));
    expect(july.event.startDate.toString()).toBe('2026-07-10T19:00:00');
    expect(july.event.startDate.toJSDate().toISOString()).toBe('2026-07-10T23:00:00.000Z');
    expect(july.event.endDate.toJSDate().toISOString()).toBe('2026-07-11T01:00:00.000Z');

    const january = parse(eventIcs(event({ timeZone: 'America/New_York', startsAt: new Date('2027-01-15T14:00:00Z'), endsAt: new Date('2027-01-15T16:30:00Z') }), options()));
    expect(january.event.startDate.toString()).toBe('2027-01-15T09:00:00');
    expect(january.event.startDate.toJSDate().toISOString()).toBe('2027-01-15T14:00:00.000Z');
    expect(january.event.endDate.toJSDate().toISOString()).toBe('2027-01-15T16:30:00.000Z');
    const vtimezone = january.calendar.getFirstSubcomponent('vtimezone')!;
    expect(vtimezone.getAllSubcomponents('daylight').length).toBeGreaterThan(0);
    expect(vtimezone.getAllSubcomponents('standard').length).toBeGreaterThan(0);
  });

  it('an event across a daylight-saving change keeps both instants (New York, the November night)', () => {
    const across = parse(eventIcs(event({ timeZone: 'America/New_York', startsAt: new Date('2026-11-01T04:30:00Z'), endsAt: new Date('2026-11-01T07:30:00Z') }), options()));
    expect(across.event.startDate.toJSDate().toISOString()).toBe('2026-11-01T04:30:00.000Z');
    expect(across.event.endDate.toJSDate().toISOString()).toBe('2026-11-01T07:30:00.000Z');
  });

  it('a southern zone (Australia/Sydney) and a half-hour zone (Asia/Kolkata) round-trip too', () => {
    for (const [timeZone, start] of [
      ['Australia/Sydney', '2026-01-20T08:00:00Z'],
      ['Australia/Sydney', '2026-07-20T08:00:00Z'],
      ['Asia/Kolkata', '2026-03-03T05:30:00Z'],
    ] as const) {
      const startsAt = new Date(start);
      const endsAt = new Date(startsAt.getTime() + 90 * 60_000);
      const parsed = parse(eventIcs(event({ timeZone, startsAt, endsAt }), options()));
      expect(parsed.event.startDate.toJSDate().toISOString(), timeZone).toBe(startsAt.toISOString());
      expect(parsed.event.endDate.toJSDate().toISOString(), timeZone).toBe(endsAt.toISOString());
    }
  });

  it('escapes and folds Japanese text so that it reads back unchanged', () => {
    const title = '【第3回】アルムナイ交流会;東京・大阪,同時開催\\オンライン参加も歓迎します。'.repeat(3);
    const location = '東京都千代田区丸の内1-1-1, 丸の内ビル12F; 受付は1階\n(正面玄関)';
    const ics = eventIcs(event({ title }), options({ location }));
    const { event: parsed, vevent } = parse(ics);
    expect(parsed.summary).toBe(title);
    expect(parsed.location).toBe(location);
    expect(vevent.getFirstPropertyValue('description')).toBe(`夏の交流会です。\n\n・軽食あり\n・申込 (https://alumni.example.jp/events)\n\n${URL_}`);
    // CRLF only, every line at most 75 octets, and no character split across a fold.
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = ics.split('\r\n').slice(0, -1);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8'), line).toBeLessThanOrEqual(75);
    expect(lines.some((l) => l.startsWith(' '))).toBe(true);
    expect(ics).not.toContain('\uFFFD');
  });

  it('the cancellation: METHOD:CANCEL, STATUS:CANCELLED, the same UID and the given SEQUENCE', () => {
    const ics = eventIcs(event({ state: 'cancelled', sequence: 3 }), options({ method: 'CANCEL', location: null }));
    const { calendar, event: parsed, vevent } = parse(ics);
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(parsed.uid).toBe(eventUid(ID, URL_));
    expect(parsed.sequence).toBe(3);
    expect(vevent.getFirstProperty('location')).toBeNull();
  });

  it('leaves LOCATION out of a file for someone who may not know the place', () => {
    const ics = eventIcs(event(), options({ method: 'PUBLISH', attendee: undefined, location: null }));
    expect(ics).not.toContain('LOCATION');
    expect(ics).not.toContain('ATTENDEE');
    expect(parse(ics).calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
  });
});

describe('the parts', () => {
  it('escapeText escapes backslash, semicolon, comma and line breaks (RFC 5545 3.3.11)', () => {
    expect(escapeText('a\\b;c,d\r\ne\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('foldLine keeps short lines, folds long ones at 75 octets without splitting a character', () => {
    expect(foldLine('SUMMARY:short')).toBe('SUMMARY:short');
    const folded = foldLine(`SUMMARY:${'あ'.repeat(60)}`);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(75);
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(`SUMMARY:${'あ'.repeat(60)}`);
    // An emoji (4 octets, two UTF-16 units) is never cut either.
    const emoji = foldLine(`X:${'🎉'.repeat(40)}`);
    expect(emoji).not.toContain('\uFFFD');
    expect(emoji.split('\r\n').map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(`X:${'🎉'.repeat(40)}`);
  });

  it('offsetTransitions finds New York’s changes to the minute, and none in Tokyo', () => {
    const ny = offsetTransitions('America/New_York', new Date('2026-01-01T00:00:00Z'), new Date('2026-12-31T00:00:00Z'));
    expect(ny.map((t) => [t.at.toISOString(), t.from, t.to])).toEqual([
      ['2026-03-08T07:00:00.000Z', -300, -240],
      ['2026-11-01T06:00:00.000Z', -240, -300],
    ]);
    expect(offsetTransitions('Asia/Tokyo', new Date('2026-01-01T00:00:00Z'), new Date('2026-12-31T00:00:00Z'))).toEqual([]);
  });

  it('googleCalendarUrl gives UTC times and the event’s zone', () => {
    const url = new URL(googleCalendarUrl(event(), { details: 'd', location: '東京' }));
    expect(url.origin).toBe('https://calendar.google.com');
    expect(url.searchParams.get('dates')).toBe('20260710T100000Z/20260710T123000Z');
    expect(url.searchParams.get('ctz')).toBe('Asia/Tokyo');
    expect(url.searchParams.get('text')).toBe('アルムナイ交流会');
    expect(url.searchParams.get('location')).toBe('東京');
  });
});
