/** How an event's time is said: the day of the week, one zone, and the zone named only when it is not the network's. */
import { describe, expect, it } from 'vitest';
import { momentText, whenText, zoneText } from './events.present.ts';

const TOKYO = 'Asia/Tokyo';
/** Sunday 13 December 2026, 19:00–21:00 in Tokyo. */
const evening = { startsAt: new Date('2026-12-13T10:00:00Z'), endsAt: new Date('2026-12-13T12:00:00Z'), timeZone: TOKYO };

describe('whenText', () => {
  it('says the day of the week and no zone for an event in the network’s zone', () => {
    expect(whenText(evening, 'ja', TOKYO)).toBe('2026年12月13日(日) 19:00〜21:00');
    expect(whenText(evening, 'en', TOKYO)).toBe('Sun, 13 Dec 2026, 19:00–21:00');
  });

  it('names the zone when it is not the network’s (or when the network’s zone is not given)', () => {
    const newYork = { ...evening, timeZone: 'America/New_York' };
    expect(whenText(newYork, 'ja', TOKYO)).toBe('2026年12月13日(日) 05:00〜07:00（米国東部時間 / America/New_York）');
    expect(whenText(newYork, 'en', TOKYO)).toBe('Sun, 13 Dec 2026, 05:00–07:00 (Eastern Time / America/New_York)');
    expect(whenText(evening, 'ja')).toBe('2026年12月13日(日) 19:00〜21:00（日本標準時 / Asia/Tokyo）');
  });

  it('an event over two days gives both dates with their days', () => {
    const overnight = { ...evening, endsAt: new Date('2026-12-14T01:00:00Z') };
    expect(whenText(overnight, 'ja', TOKYO)).toBe('2026年12月13日(日) 19:00〜2026年12月14日(月) 10:00');
    expect(whenText(overnight, 'en', TOKYO)).toBe('Sun, 13 Dec 2026, 19:00 – Mon, 14 Dec 2026, 10:00');
  });

  it('a deadline is said the same way', () => {
    expect(momentText(evening.startsAt, TOKYO, 'ja', TOKYO)).toBe('2026年12月13日(日) 19:00');
    expect(momentText(evening.startsAt, 'Europe/London', 'en', TOKYO)).toBe('Sun, 13 Dec 2026, 10:00 (United Kingdom Time / Europe/London)');
  });
});

describe('zoneText', () => {
  it('gives a readable name with the IANA id; UTC by its specific name, never an offset', () => {
    expect(zoneText('UTC', 'ja')).toBe('協定世界時 / UTC');
    expect(zoneText('UTC', 'en')).toBe('Coordinated Universal Time / UTC');
    expect(zoneText('Asia/Tokyo', 'en')).toBe('Japan Standard Time / Asia/Tokyo');
  });
});
