/**
 * Wall clocks of IANA time zones, computed with Intl only (no time zone database of our own):
 * what a `datetime-local` input shows in a zone, the instant such a value means there, and a
 * zone's UTC offset at an instant. Posts are scheduled in the network's zone; events are
 * entered and shown in their own zone, and their calendar files describe that zone.
 */

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = zoneFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    zoneFormatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock of `timeZone` at an instant, as `YYYY-MM-DDTHH:mm` (what a datetime-local input shows). */
export function toZonedInput(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(zoneFormatter(timeZone).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The zone's offset from UTC at an instant, in minutes (Tokyo: 540; New York in July: -240). */
export function zoneOffsetMinutes(date: Date, timeZone: string): number {
  const [day, time] = toZonedInput(date, timeZone).split('T') as [string, string];
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  return (Date.UTC(y, mo - 1, d, h, mi) - Math.floor(date.getTime() / 60_000) * 60_000) / 60_000;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/;

/**
 * The instant at which `timeZone`'s wall clock shows `local`. Null when the value is not a
 * real date and time. (A time skipped by a daylight-saving change resolves to the hour after.)
 */
export function fromZonedInput(local: string, timeZone: string): Date | null {
  const m = LOCAL.exec(local.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return null;
  const offsetAt = (ms: number) => zoneOffsetMinutes(new Date(ms), timeZone) * 60_000;
  // Two rounds settle the offset on either side of a daylight-saving change.
  let guess = wall - offsetAt(wall);
  guess = wall - offsetAt(guess);
  return new Date(guess);
}

/** The canonical name of an IANA zone (`asia/tokyo` → `Asia/Tokyo`), or null when Intl does not know it. */
export function canonicalTimeZone(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
