import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  LEAVE_REASON_CATEGORIES,
  TITLES,
  generateDemoNetwork,
  type DemoNetwork,
} from './generate.ts';
import { FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, SURNAMES, generatePerson, kanaToRomaji } from './names.ts';
import { createRandom } from './random.ts';

const DAY_MS = 86_400_000;
const HIRAGANA_NAME = /^[\u3041-\u3096]+ [\u3041-\u3096]+$/;
const EXAMPLE_EMAIL = /^[a-z0-9._-]+@example\.(com|jp|net)$/;
const nextDay = (ymd: string) => new Date(Date.parse(ymd) + DAY_MS).toISOString().slice(0, 10);
const share = <T>(items: T[], pred: (t: T) => boolean) => items.filter(pred).length / items.length;

// One network for the distribution checks (generation takes ~0.1 s).
const demo: DemoNetwork = generateDemoNetwork();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('random', () => {
  it('repeats a sequence for a seed and differs across seeds and streams', () => {
    const seq = (seed: number, stream = '') => {
      const r = createRandom(seed, stream);
      return Array.from({ length: 8 }, () => r.uint32());
    };
    expect(seq(1)).toEqual(seq(1));
    expect(seq(1)).not.toEqual(seq(2));
    expect(seq(1, 'a')).not.toEqual(seq(1, 'b'));
  });

  it('keeps helpers within their ranges', () => {
    const r = createRandom(7);
    const ints = Array.from({ length: 5000 }, () => r.int(3, 6));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5, 6]));
    const from = new Date('2020-01-01');
    const to = new Date('2020-01-03');
    const days = new Set(Array.from({ length: 200 }, () => r.dateBetween(from, to).toISOString().slice(0, 10)));
    expect(days).toEqual(new Set(['2020-01-01', '2020-01-02', '2020-01-03']));
    expect(r.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(r.weightedPick(['a', 'b'], (x) => (x === 'b' ? 1 : 0))).toBe('b');
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('names', () => {
  it('has large, unique pools with hiragana readings and ASCII romaji', () => {
    expect(SURNAMES.length).toBeGreaterThanOrEqual(150);
    expect(FEMALE_GIVEN_NAMES.length).toBeGreaterThanOrEqual(120);
    expect(MALE_GIVEN_NAMES.length).toBeGreaterThanOrEqual(120);
    for (const pool of [SURNAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES]) {
      expect(new Set(pool.map((n) => n.kanji)).size).toBe(pool.length);
      for (const n of pool) {
        expect(n.kana).toMatch(/^[\u3041-\u3096]+$/);
        expect(n.romaji).toMatch(/^[A-Z][a-z]+$/);
      }
    }
    expect(SURNAMES.slice(0, 10).map((s) => s.kanji)).toEqual([
      '佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤',
    ]);
  });

  it('writes passport-style Hepburn', () => {
    const romaji = (kanji: string) =>
      [...SURNAMES, ...FEMALE_GIVEN_NAMES, ...MALE_GIVEN_NAMES].find((n) => n.kanji === kanji)?.romaji;
    expect(romaji('佐藤')).toBe('Sato');
    expect(romaji('大野')).toBe('Ono');
    expect(romaji('井上')).toBe('Inoue');
    expect(romaji('松浦')).toBe('Matsuura');
    expect(romaji('服部')).toBe('Hattori');
    expect(romaji('望月')).toBe('Mochizuki');
    expect(romaji('翔太')).toBe('Shota');
    expect(romaji('龍之介')).toBe('Ryunosuke');
    expect(romaji('健一')).toBe('Kenichi');
    expect(romaji('杏奈')).toBe('Anna');
    expect(kanaToRomaji('きょうこ')).toBe('kyoko');
    expect(kanaToRomaji('はっちょう')).toBe('hatcho');
  });

  it('generates a person in the roster shape', () => {
    const p = generatePerson(createRandom(1), { gender: 'female', birthYear: 1995 });
    expect(p.name).toBe(`${p.family.kanji} ${p.given.kanji}`);
    expect(p.nameKana).toMatch(HIRAGANA_NAME);
    expect(p.nameRomaji).toBe(`${p.given.romaji} ${p.family.romaji}`);
    expect(p.given.gender).toBe('female');
  });

  it('follows surname frequency', () => {
    const r = createRandom(3);
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const k = generatePerson(r).family.kanji;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(counts.get('佐藤')!).toBeGreaterThan(5 * (counts.get('堤') ?? 0));
  });
});

describe('generateDemoNetwork', () => {
  it('is byte-identical for the same seed and does not use Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    const a = JSON.stringify(generateDemoNetwork({ seed: 42 }));
    const b = JSON.stringify(generateDemoNetwork({ seed: 42 }));
    expect(a).toBe(b);
    expect(a).toBe(JSON.stringify(demo));
    expect(JSON.stringify(generateDemoNetwork({ seed: 43 }))).not.toBe(a);
    expect(spy).not.toHaveBeenCalled();
  });

  it('keeps the staff stable when only the number of leavers changes', () => {
    const small = generateDemoNetwork({ leavers: 50 });
    const staff = (n: DemoNetwork) => n.accounts.filter((a) => a.role !== 'alumnus');
    expect(staff(small)).toEqual(staff(demo));
    expect(small.company).toEqual(demo.company);
  });

  it('builds the company', () => {
    const depts = demo.company.departments;
    expect(depts.length).toBeGreaterThanOrEqual(14);
    expect(new Set(depts.map((d) => d.code)).size).toBe(depts.length);
    expect(depts.map((d) => d.nameJa)).toContain('営業本部');
    expect(depts.map((d) => d.nameJa)).toContain('海外事業部');
    for (const d of depts) expect(d.nameEn).toMatch(/^[A-Za-z ]+$/);
  });

  it('generates 2000 well-formed leavers', () => {
    const { leavers } = demo;
    const today = demo.today;
    const earliestLeave = new Date(Date.parse(today));
    earliestLeave.setUTCFullYear(earliestLeave.getUTCFullYear() - 15);

    expect(leavers).toHaveLength(2000);
    expect(new Set(leavers.map((l) => l.employeeNumber)).size).toBe(2000);
    expect(new Set(leavers.map((l) => l.id)).size).toBe(2000);
    for (const l of leavers) {
      expect(l.employeeNumber).toMatch(/^E\d{6}$/);
      expect(l.name).toMatch(/^\S+ \S+$/);
      expect(l.nameKana).toMatch(HIRAGANA_NAME);
      expect(l.nameRomaji).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      expect(l.joinedOn < l.leftOn).toBe(true);
      expect(l.leftOn <= today).toBe(true);
      expect(l.leftOn >= earliestLeave.toISOString().slice(0, 10)).toBe(true);
      const tenureYears = (Date.parse(l.leftOn) - Date.parse(l.joinedOn)) / (365.25 * DAY_MS);
      expect(tenureYears).toBeGreaterThanOrEqual(0.99);
      expect(tenureYears).toBeLessThanOrEqual(20.01);
      expect(TITLES).toContain(l.title);
      expect(LEAVE_REASON_CATEGORIES).toContain(l.leaveReasonCategory);
      expect(['yes', 'no', 'unknown']).toContain(l.rehireEligible);
      if (l.personalEmail !== null) expect(l.personalEmail).toMatch(EXAMPLE_EMAIL);
      if (l.contactConsent) expect(l.personalEmail).not.toBeNull();
    }
  });

  it('tiles each tenure with 1–3 department stints', () => {
    const codes = new Set(demo.company.departments.map((d) => d.code));
    for (const l of demo.leavers) {
      const s = l.departments;
      expect(s.length).toBeGreaterThanOrEqual(1);
      expect(s.length).toBeLessThanOrEqual(3);
      expect(s[0]!.fromOn).toBe(l.joinedOn);
      expect(s.at(-1)!.toOn).toBe(l.leftOn);
      expect(s.at(-1)!.departmentCode).toBe(l.departmentCode);
      for (let i = 0; i < s.length; i++) {
        expect(codes.has(s[i]!.departmentCode)).toBe(true);
        expect(s[i]!.fromOn <= s[i]!.toOn).toBe(true);
        if (i > 0) {
          expect(s[i]!.fromOn).toBe(nextDay(s[i - 1]!.toOn));
          expect(s[i]!.departmentCode).not.toBe(s[i - 1]!.departmentCode);
        }
      }
    }
    const counts = [1, 2, 3].map((n) => share(demo.leavers, (l) => l.departments.length === n));
    for (const c of counts) expect(c).toBeGreaterThan(0.1);
  });

  it('has realistic distributions', () => {
    const { leavers } = demo;
    const emailShare = share(leavers, (l) => l.personalEmail !== null);
    const consentShare = share(leavers, (l) => l.contactConsent);
    expect(emailShare).toBeGreaterThan(0.5);
    expect(emailShare).toBeLessThan(0.7);
    expect(consentShare).toBeGreaterThan(0.35);
    expect(consentShare).toBeLessThan(0.55);
    expect(share(leavers, (l) => l.rehireEligible === 'yes')).toBeGreaterThan(0.6);
    expect(share(leavers, (l) => l.rehireEligible === 'no')).toBeGreaterThan(0.02);
    expect(share(leavers, (l) => l.leaveReasonCategory === '転職')).toBeGreaterThan(0.5);
    for (const reason of LEAVE_REASON_CATEGORIES) expect(leavers.some((l) => l.leaveReasonCategory === reason)).toBe(true);
    expect(share(leavers, (l) => l.joinedOn.endsWith('-04-01'))).toBeGreaterThan(0.4); // 新卒一括採用
    expect(share(leavers, (l) => l.title === '一般')).toBeGreaterThan(0.3);
    expect(share(leavers, (l) => l.gender === 'female')).toBeGreaterThan(0.35);
    expect(share(leavers, (l) => l.gender === 'female')).toBeLessThan(0.5);

    // More leavers in recent years: the last five years outnumber the first five.
    const year = (l: { leftOn: string }) => Number(l.leftOn.slice(0, 4));
    const recent = leavers.filter((l) => year(l) >= 2022).length;
    const early = leavers.filter((l) => year(l) >= 2012 && year(l) <= 2016).length;
    expect(recent).toBeGreaterThan(1.5 * early);

    const emails = leavers.flatMap((l) => (l.personalEmail ? [l.personalEmail] : []));
    expect(new Set(emails).size).toBe(emails.length);
  });

  it('creates staff and alumni accounts on example.com', () => {
    const { accounts, leavers } = demo;
    const byRole = (role: string) => accounts.filter((a) => a.role === role);
    expect(byRole('operator')).toHaveLength(2);
    expect(byRole('community_manager')).toHaveLength(2);
    expect(byRole('employee')).toHaveLength(10);
    expect(byRole('employee').filter((a) => a.isManager)).toHaveLength(4);
    expect(byRole('alumnus')).toHaveLength(30);
    expect(demo.password).toBe(DEMO_PASSWORD);
    expect(DEMO_PASSWORD).toBe('kizuna-demo-2026');

    const emails = accounts.map((a) => a.email);
    expect(new Set(emails).size).toBe(emails.length);
    for (const fixed of Object.values(DEMO_ACCOUNTS)) expect(emails).toContain(fixed);
    for (const a of accounts) {
      expect(a.email).toMatch(/^[a-z0-9.]+@example\.com$/);
      expect(a.nameKana).toMatch(HIRAGANA_NAME);
      expect(a.status).toBe('active');
    }
    expect(accounts.find((a) => a.email === DEMO_ACCOUNTS.operator)?.role).toBe('operator');
    expect(accounts.find((a) => a.email === DEMO_ACCOUNTS.manager)?.isManager).toBe(true);
    expect(accounts.find((a) => a.email === DEMO_ACCOUNTS.employee)?.isManager).toBe(false);

    for (const a of byRole('alumnus')) {
      const leaver = leavers.find((l) => l.employeeNumber === a.rosterEmployeeNumber);
      expect(leaver).toBeDefined();
      expect(leaver!.name).toBe(a.name);
      expect(leaver!.personalEmail).toBe(a.email);
      expect(leaver!.contactConsent).toBe(true);
    }
  });

  it('honours its options and rejects nonsense', () => {
    const small = generateDemoNetwork({ seed: 7, leavers: 30, years: 3, today: new Date('2024-06-15') });
    expect(small.leavers).toHaveLength(30);
    expect(small.today).toBe('2024-06-15');
    for (const l of small.leavers) {
      expect(l.leftOn <= '2024-06-15').toBe(true);
      expect(l.leftOn >= '2021-06-15').toBe(true);
    }
    expect(generateDemoNetwork({ leavers: 0 }).accounts.filter((a) => a.role === 'alumnus')).toHaveLength(0);
    expect(() => generateDemoNetwork({ leavers: -1 })).toThrow(RangeError);
    expect(() => generateDemoNetwork({ years: 0 })).toThrow(RangeError);
    expect(() => generateDemoNetwork({ today: new Date('nope') })).toThrow(RangeError);
  });
});
