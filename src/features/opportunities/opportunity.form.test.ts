/** The forms' readers without a database: closing days in a zone, the editor's rules, the return and stage forms. */
import { describe, expect, it } from 'vitest';
import { messages } from '../../shared/i18n/index.ts';
import { parseReturnForm, parseStageForm } from './application.form.ts';
import { closingDay, endOfDay, parseOpportunityForm } from './opportunity.form.ts';

const m = messages('en');
const E = m.opportunities.errors;

describe('closing days', () => {
  it('end at the next midnight of the zone, and read back as the same day', () => {
    expect(endOfDay('2026-03-31', 'Asia/Tokyo')!.toISOString()).toBe('2026-03-31T15:00:00.000Z');
    // New York: the day before daylight saving time starts, and the end of the year (across months and years).
    expect(endOfDay('2026-03-07', 'America/New_York')!.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(endOfDay('2026-03-08', 'America/New_York')!.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(endOfDay('2026-12-31', 'Asia/Tokyo')!.toISOString()).toBe('2026-12-31T15:00:00.000Z');
    for (const [day, zone] of [
      ['2026-03-31', 'Asia/Tokyo'],
      ['2026-03-08', 'America/New_York'],
      ['2024-02-29', 'Europe/London'],
    ] as const) {
      expect(closingDay(endOfDay(day, zone)!, zone)).toBe(day);
    }
  });

  it('refuses what is not a real day', () => {
    for (const day of ['2026-02-30', '2026-13-01', '31/03/2026', '', '2026-3-1']) expect(endOfDay(day, 'Asia/Tokyo'), day).toBeNull();
  });
});

describe('the editor', () => {
  const opts = { timeZone: 'Asia/Tokyo', departmentIds: ['d1'], segmentIds: ['s1'], intent: 'publish' as const, today: '2026-06-01' };
  const valid = { kind: 'advisory', title: '  Advisor  ', description: 'Help us.\r\nTwice a month.', workStyle: 'remote', audience: 'segment', segmentId: 's1', departmentId: 'd1', closesOn: '2026-06-01', wants: 'business,bogus,mentor' };

  it('reads a valid form (trimmed, line breaks normalised, unknown interests dropped)', () => {
    const parsed = parseOpportunityForm(m, valid, opts);
    expect(parsed.ok && parsed.data).toMatchObject({ kind: 'advisory', title: 'Advisor', description: 'Help us.\nTwice a month.', segmentId: 's1', departmentId: 'd1', wants: ['business', 'mentor'], referralsOpen: false });
  });

  it('forgets the segment unless the audience is a segment, and accepts a closing day of today but not before', () => {
    const alumni = parseOpportunityForm(m, { ...valid, audience: 'alumni' }, opts);
    expect(alumni.ok && alumni.data.segmentId).toBeNull();
    const past = parseOpportunityForm(m, { ...valid, closesOn: '2026-05-31' }, opts);
    expect(!past.ok && past.errors.closesOn).toBe(E.closesOnPast);
    // A draft may keep a past day (it is not open to anyone).
    expect(parseOpportunityForm(m, { ...valid, closesOn: '2026-05-31' }, { ...opts, intent: 'draft' }).ok).toBe(true);
  });

  it('names every wrong field', () => {
    const parsed = parseOpportunityForm(m, { kind: 'x', title: 't'.repeat(201), description: '', workStyle: '', audience: 'everyone', departmentId: 'other', location: 'l'.repeat(201) }, opts);
    expect(!parsed.ok && parsed.errors).toEqual({
      kind: E.kind,
      title: E.titleTooLong.replace('{max}', '200'),
      description: E.descriptionRequired,
      departmentId: E.department,
      location: E.locationTooLong.replace('{max}', '200'),
      workStyle: E.workStyle,
      audience: E.audience,
    });
  });
});

describe('the return form', () => {
  it('needs one answer, keeps only known reasons', () => {
    expect(parseReturnForm(m, {}, ['nonsense'])).toEqual({ ok: false, errors: { whatChanged: E.returnEmpty } });
    expect(parseReturnForm(m, {}, ['pay', 'nonsense'])).toEqual({ ok: true, data: { whatChanged: null, whatNeeded: null, reasons: ['pay'], note: null } });
  });

  it('reports a too long answer rather than an empty form', () => {
    const parsed = parseReturnForm(m, { whatNeeded: 'x'.repeat(2001) }, []);
    expect(!parsed.ok && parsed.errors).toEqual({ whatNeeded: E.answerTooLong.replace('{max}', '2000') });
  });
});

describe('the stage form', () => {
  it('defaults the first day to today and refuses impossible dates', () => {
    expect(parseStageForm(m, { stage: 'hired' }, { timeZone: 'Asia/Tokyo', today: '2026-06-01' })).toEqual({ ok: true, data: { stage: 'hired', message: null, startsOn: '2026-06-01' } });
    const bad = parseStageForm(m, { stage: 'hired', startsOn: '2026-02-30' }, { timeZone: 'Asia/Tokyo', today: '2026-06-01' });
    expect(!bad.ok && bad.errors.startsOn).toBe(E.startsOn);
  });
});
