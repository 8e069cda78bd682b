import { describe, expect, it } from 'vitest';
import { decide, normaliseEmployeeNumber, normaliseKana, normaliseName, POINTS, scoreCandidate, type CandidateFacts, type RequestFacts } from './verification.match.ts';
import { toHiragana as katakanaToHiragana } from '../../shared/search.ts';

const request = (r: Partial<RequestFacts> = {}): RequestFacts => ({
  name: '山田 花子',
  nameKana: 'やまだ はなこ',
  joinYear: 2012,
  leaveYear: 2020,
  department: '営業部',
  employeeNumber: null,
  ...r,
});

let n = 0;
const entry = (c: Partial<CandidateFacts> = {}): CandidateFacts => ({
  id: `e${++n}`,
  employeeNumber: `E${String(n).padStart(5, '0')}`,
  name: '山田　花子',
  nameKana: 'ヤマダ ハナコ',
  joinedOn: '2012-04-01',
  leftOn: '2020-03-31',
  departments: ['第一営業部'],
  contactStatus: 'ok',
  ...c,
});

describe('normalisation', () => {
  it('ignores width, spaces, dots and case in names', () => {
    expect(normaliseName('山田　花子')).toBe('山田花子');
    expect(normaliseName(' 山田 花子 ')).toBe('山田花子');
    expect(normaliseName('Ｓｍｉｔｈ・Ｊｏｈｎ')).toBe('smithjohn');
    expect(normaliseName(null)).toBe('');
  });

  it('reads katakana, half-width kana and hiragana alike', () => {
    expect(katakanaToHiragana('ヤマダ')).toBe('やまだ');
    expect(normaliseKana('ﾔﾏﾀﾞ ﾊﾅｺ')).toBe('やまだはなこ');
    expect(normaliseKana('ヤマダ　ハナコ')).toBe(normaliseKana('やまだ はなこ'));
    expect(normaliseKana('スズキ・イチロー')).toBe('すずきいちろー');
  });

  it('keeps leading zeros of employee numbers but not width or hyphens', () => {
    expect(normaliseEmployeeNumber('００１２３')).toBe('00123');
    expect(normaliseEmployeeNumber('e-00123')).toBe('E00123');
    expect(normaliseEmployeeNumber('00123')).not.toBe(normaliseEmployeeNumber('123'));
  });
});

describe('scoreCandidate', () => {
  it('gives points for each agreeing fact', () => {
    const s = scoreCandidate(request(), entry());
    expect(s.facts).toEqual({ employeeNumber: false, name: true, kana: true, leaveYear: true, joinYear: true, department: true });
    expect(s.score).toBe(POINTS.name + POINTS.kana + POINTS.leaveYear + POINTS.joinYear + POINTS.department);
    expect(s.strong).toBe(true);
  });

  it('accepts years one off, not two', () => {
    expect(scoreCandidate(request({ leaveYear: 2021 }), entry()).facts.leaveYear).toBe(true);
    expect(scoreCandidate(request({ leaveYear: 2022 }), entry()).facts.leaveYear).toBe(false);
    expect(scoreCandidate(request({ leaveYear: null }), entry()).facts.leaveYear).toBe(false);
  });

  it('is strong on employee number + name, or name + kana + leave year, and nothing less', () => {
    const e = entry({ employeeNumber: '00777' });
    expect(scoreCandidate(request({ employeeNumber: '００７７７', nameKana: null, leaveYear: null }), e).strong).toBe(true);
    expect(scoreCandidate(request({ employeeNumber: '00777', name: '山田 華子' }), e).strong).toBe(false);
    expect(scoreCandidate(request({ leaveYear: 2015 }), e).strong).toBe(false);
    expect(scoreCandidate(request({ nameKana: null }), e).strong).toBe(false);
  });
});

describe('decide', () => {
  it('verifies automatically on one strong candidate', () => {
    const e = entry();
    const d = decide(request(), [e, entry({ name: '佐藤 次郎', nameKana: 'サトウ ジロウ', departments: ['営業部'] })]);
    expect(d.kind).toBe('auto');
    if (d.kind === 'auto') expect(d.match.candidate.id).toBe(e.id);
  });

  it('sends two strong candidates to review (ambiguous)', () => {
    const d = decide(request(), [entry(), entry()]);
    expect(d).toMatchObject({ kind: 'review', reason: 'ambiguous' });
    expect(d.ranked).toHaveLength(2);
  });

  it('sends a namesake to review unless the employee number agrees', () => {
    const other = entry({ leftOn: '2008-03-31', joinedOn: '2001-04-01' });
    expect(decide(request(), [entry(), other])).toMatchObject({ kind: 'review', reason: 'ambiguous' });
    const mine = entry({ employeeNumber: 'A-1' });
    expect(decide(request({ employeeNumber: 'A-1' }), [mine, other])).toMatchObject({ kind: 'auto' });
  });

  it('sends weak and missing matches to review', () => {
    expect(decide(request({ nameKana: null }), [entry()])).toMatchObject({ kind: 'review', reason: 'weak' });
    expect(decide(request({ name: '別人 太郎', nameKana: 'べつじん たろう', department: null }), [entry({ joinedOn: null, leftOn: null })])).toMatchObject({
      kind: 'review',
      reason: 'none',
    });
    expect(decide(request(), [])).toMatchObject({ kind: 'review', reason: 'none' });
  });

  it('never matches a roster entry marked deceased automatically', () => {
    expect(decide(request(), [entry({ contactStatus: 'deceased' })])).toMatchObject({ kind: 'review', reason: 'not_contactable' });
  });
});
