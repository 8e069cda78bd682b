/** The event editor's and the registration form's checks, without HTTP. */
import { describe, expect, it } from 'vitest';
import type { EventQuestion } from '../../db/schema.ts';
import { messages } from '../../shared/i18n/index.ts';
import { answerField, COMMON_TIME_ZONES, hostEmailsOf, parseAnswers, parseEventForm, questionRowsOf, sourceOf, timeZoneChoices, withAnotherQuestion, type EditorChoices } from './event.form.ts';

const m = messages('ja');
const NOW = new Date('2026-06-01T00:00:00Z');
const CHOICES: EditorChoices = { audiences: ['alumni', 'group'], segments: [], groups: [{ id: 'g1', name: 'エンジニア' }] };
const BASE = {
  title: '交流会',
  category: 'social',
  format: 'online',
  timeZone: 'Asia/Tokyo',
  startsAt: '2026-07-10T19:00',
  endsAt: '2026-07-10T21:00',
  audience: 'alumni',
};

const parse = (values: Record<string, string>, startFixed: Date | null = null) => parseEventForm(m, { ...BASE, ...values }, { choices: CHOICES, now: NOW, startFixed });

describe('parseEventForm', () => {
  it('reads times in the event’s zone, canonicalises the zone and keeps only known interests', () => {
    const r = parse({ timeZone: 'europe/london', wants: 'social,nonsense,business', capacity: '25' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.timeZone).toBe('Europe/London');
    expect(r.data.startsAt.toISOString()).toBe('2026-07-10T18:00:00.000Z');
    expect(r.data.capacity).toBe(25);
    expect(r.data.wants).toEqual(['business', 'social']);
    expect(r.data.segmentId).toBeNull();
    expect(r.data.groupId).toBeNull();
  });

  it('lets an event under way keep its (past) start, but a moved start must lie ahead', () => {
    const started = new Date('2026-05-31T10:00:00Z');
    const values = { startsAt: '2026-05-31T19:00', endsAt: '2026-06-01T21:00' };
    expect(parse(values, started).ok).toBe(true);
    const moved = parse({ ...values, startsAt: '2026-05-31T18:00' }, started);
    expect(moved.ok).toBe(false);
    if (!moved.ok) expect(moved.errors.startsAt).toBe(m.events.errors.startsAtPast);
    expect(parse(values).ok).toBe(false);
  });

  it('builds questions: empty rows left out, ids kept or made, choices trimmed and deduplicated', () => {
    const r = parse({
      q1Id: 'qdeadbeef',
      q1Label: ' 参加形態 ',
      q1Kind: 'choice',
      q1Options: ' 会場 \n\nオンライン\n会場',
      q1Required: '1',
      q2Label: '',
      q2Kind: 'text',
      q3Id: 'forged id',
      q3Label: 'ひとこと',
      q3Kind: 'text',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.questions).toHaveLength(2);
    expect(r.data.questions[0]).toEqual({ id: 'qdeadbeef', label: '参加形態', kind: 'choice', options: ['会場', 'オンライン'], required: true });
    expect(r.data.questions[1]!.id).toMatch(/^q[0-9a-f]{8}$/);
    expect(r.data.questions[1]!.options).toBeUndefined();
  });

  it('keeps the audience to what the actor may choose', () => {
    const wide = parse({ audience: 'alumni_employees' });
    expect(wide.ok).toBe(false);
    if (!wide.ok) expect(wide.errors.audience).toBe(m.events.errors.audience);
    const group = parse({ audience: 'group', groupId: 'g1', segmentId: 'ignored' });
    expect(group.ok && group.data).toMatchObject({ audience: 'group', groupId: 'g1', segmentId: null });
  });

  it('refuses a meeting link that is not http(s), and a deadline after the start', () => {
    for (const meetingUrl of ['javascript:alert(1)', 'ftp://example.com', 'example.com', 'data:text/html,x']) {
      const r = parse({ meetingUrl });
      expect(r.ok, meetingUrl).toBe(false);
    }
    const late = parse({ registrationDeadline: '2026-07-10T19:01' });
    expect(!late.ok && late.errors.registrationDeadline).toBe(m.events.errors.deadlineAfterStart);
  });
});

describe('parseAnswers', () => {
  const questions: EventQuestion[] = [
    { id: 'q00000001', label: '食事', kind: 'text', required: true },
    { id: 'q00000002', label: '形態', kind: 'choice', options: ['会場', 'オンライン'], required: false },
  ];

  it('keeps only the event’s questions, checks required ones and choices', () => {
    const ok = parseAnswers(m, questions, { [answerField('q00000001')]: ' なし ', [answerField('q00000002')]: '', answer_qffffffff: 'x' });
    expect(ok).toEqual({ ok: true, answers: { q00000001: 'なし' } });
    const missing = parseAnswers(m, questions, {});
    expect(!missing.ok && missing.errors[answerField('q00000001')]).toBe(m.events.errors.answerRequired);
    const badChoice = parseAnswers(m, questions, { [answerField('q00000001')]: 'x', [answerField('q00000002')]: '宇宙' });
    expect(!badChoice.ok && badChoice.errors[answerField('q00000002')]).toBe(m.events.errors.answerChoice);
  });
});

describe('small readers', () => {
  it('hostEmailsOf splits on lines, commas and spaces, lower-cases and deduplicates', () => {
    expect(hostEmailsOf('A@Example.com\n b@example.com, a@example.com、c@example.com')).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
  });

  it('sourceOf keeps a short attribution token and drops anything else', () => {
    expect(sourceOf('newsletter:0b6f3c1e-8a1d-4c55-9a0e-2f4b8c9d7e61')).toBe('newsletter:0b6f3c1e-8a1d-4c55-9a0e-2f4b8c9d7e61');
    expect(sourceOf('post:abc_1.2')).toBe('post:abc_1.2');
    for (const bad of ['', ' ', '<script>', 'a b', 'x'.repeat(81), ':leading', undefined]) expect(sourceOf(bad), String(bad)).toBeNull();
  });
});

describe('the editor’s question blocks and zone choices', () => {
  it('shows the blocks with something typed plus one empty block, or as many as asked for, between 1 and 5', () => {
    expect(questionRowsOf({})).toBe(1);
    expect(questionRowsOf({ q1Label: '食事の制限' })).toBe(2);
    // A block counts once anything is in it: a question text, choices, or the id of a saved question.
    expect(questionRowsOf({ q3Options: '赤\n青' })).toBe(4);
    expect(questionRowsOf({ q2Id: 'q0123abcd' })).toBe(3);
    expect(questionRowsOf({ q1Label: '   ' })).toBe(1);
    expect(questionRowsOf({ q1Label: 'a', questionRows: '4' })).toBe(4);
    expect(questionRowsOf({ q5Label: 'a' })).toBe(5);
    for (const forged of ['99', '-1', 'abc', '']) expect(questionRowsOf({ questionRows: forged }), forged).toBeLessThanOrEqual(5);
    expect(questionRowsOf({ questionRows: '-1' })).toBe(1);
  });

  it('"add a question" gives exactly one block more than the form showed, even when its last block was just filled in', () => {
    // The page showed one block; the organiser typed into it and asked for another: two blocks, not three.
    expect(questionRowsOf(withAnotherQuestion({ q1Label: '食事の制限', questionRows: '1' }))).toBe(2);
    expect(questionRowsOf(withAnotherQuestion({ q1Label: '食事の制限', questionRows: '2' }))).toBe(3);
    expect(questionRowsOf(withAnotherQuestion({}))).toBe(2);
    expect(questionRowsOf(withAnotherQuestion({ questionRows: '5' }))).toBe(5);
    expect(withAnotherQuestion({ title: '交流会', questionRows: '2' })).toEqual({ title: '交流会', questionRows: '3' });
  });

  it('offers the network’s zone first, then an event’s own uncommon zone, then the common ones once each', () => {
    expect(timeZoneChoices(undefined, 'Asia/Tokyo')).toEqual([...COMMON_TIME_ZONES]);
    expect(timeZoneChoices('america/lima', 'Asia/Tokyo').slice(0, 3)).toEqual(['Asia/Tokyo', 'America/Lima', 'Pacific/Auckland']);
    expect(timeZoneChoices('Mars/Olympus', 'Europe/London').slice(0, 2)).toEqual(['Europe/London', 'Asia/Tokyo']);
    expect(new Set(timeZoneChoices('Europe/London', 'Europe/London')).size).toBe(COMMON_TIME_ZONES.length);
  });
});
