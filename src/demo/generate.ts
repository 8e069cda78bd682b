/**
 * Generates a realistic, deterministic Japanese demo network as plain objects: a fictional
 * company with its departments, an HR roster of leavers with department histories, and the
 * staff and alumni accounts a demo needs. Pure: no database, no clock, no Math.random.
 * `seed.ts` writes the result into a database.
 */
import type { Role } from '../db/schema.ts';
import { generatePerson, type Gender, type PersonName } from './names.ts';
import { Random } from './random.ts';

/** The one password of every demo account (printed by `npm run demo`). */
export const DEMO_PASSWORD = 'kizuna-demo-2026';

/** Every e-mail address in the demo is on one of these reserved domains (RFC 2606 / JPRS). */
export const DEMO_EMAIL_DOMAINS = ['example.com', 'example.jp', 'example.net'] as const;

/** Fixed sign-in addresses of the demo, one per kind of user. */
export const DEMO_ACCOUNTS = {
  operator: 'operator@example.com',
  communityManager: 'cm@example.com',
  manager: 'manager@example.com',
  employee: 'employee@example.com',
  alumnus: 'alumnus@example.com',
} as const;

/** Leave reason categories as an HR system records them. */
export const LEAVE_REASON_CATEGORIES = ['転職', '独立・起業', '家庭の事情', '進学・留学', '定年', 'その他'] as const;
export type LeaveReasonCategory = (typeof LEAVE_REASON_CATEGORIES)[number];

/** Job titles (役職) from the bottom up. */
export const TITLES = ['一般', '主任', '係長', '課長', '次長', '部長'] as const;
export type Title = (typeof TITLES)[number];

export type RehireEligible = 'yes' | 'no' | 'unknown';

/** A department of the demo company; `id` is stable for a seed. */
export interface DemoDepartment {
  id: string;
  code: string;
  nameJa: string;
  nameEn: string;
}

/** One stint in a department; the stints of a leaver tile joinedOn..leftOn without gap or overlap. */
export interface DemoDepartmentStint {
  departmentCode: string;
  /** 'YYYY-MM-DD', inclusive. */
  fromOn: string;
  /** 'YYYY-MM-DD', inclusive. */
  toOn: string;
}

/** One row of the HR roster: a person who has left the company. */
export interface DemoLeaver {
  /** Stable id for a seed (used as roster_entries.id, so demo URLs do not change). */
  id: string;
  /** 'E' + 6 digits, unique, in order of joining. */
  employeeNumber: string;
  name: string;
  nameKana: string;
  nameRomaji: string;
  gender: Gender;
  /** Department at leaving (the last stint). */
  departmentCode: string;
  /** Title at leaving. */
  title: Title;
  joinedOn: string;
  leftOn: string;
  leaveReasonCategory: LeaveReasonCategory;
  rehireEligible: RehireEligible;
  personalEmail: string | null;
  contactConsent: boolean;
  departments: DemoDepartmentStint[];
}

/** An account to create through the auth library. */
export interface DemoAccount {
  email: string;
  name: string;
  nameKana: string;
  nameRomaji: string;
  role: Role;
  isManager: boolean;
  status: 'active';
  /** Staff: their current department (informational: `users` has no department column). */
  departmentCode: string | null;
  /** Staff: their current title (informational). */
  title: Title | null;
  /** Alumni: the roster row this account is linked to. */
  rosterEmployeeNumber: string | null;
}

/** Texts for the one network_settings row, should the caller want to write it. */
export interface DemoNetworkSettings {
  nameJa: string;
  nameEn: string;
  operatorType: 'company';
  purposeJa: string;
  purposeEn: string;
  rulesJa: string;
  rulesEn: string;
  timeZone: 'Asia/Tokyo';
}

export interface DemoCompany {
  nameJa: string;
  nameEn: string;
  departments: DemoDepartment[];
}

/** Everything `generateDemoNetwork` returns; JSON-serialisable, byte-identical for a seed. */
export interface DemoNetwork {
  seed: number;
  /** The reference day, 'YYYY-MM-DD': nobody leaves after it. */
  today: string;
  company: DemoCompany;
  network: DemoNetworkSettings;
  leavers: DemoLeaver[];
  accounts: DemoAccount[];
  password: string;
}

export interface GenerateDemoOptions {
  /** Default 42. */
  seed?: number;
  /** Number of roster entries; default 2000. */
  leavers?: number;
  /** Leave dates spread over this many years before `today`; default 15. */
  years?: number;
  /** Default 2026-11-01. Pass a fixed date: the output must not depend on the clock. */
  today?: Date;
}

// ---------------------------------------------------------------- company

/** [code, 日本語, English, relative headcount] */
const DEPARTMENT_DATA: ReadonlyArray<readonly [string, string, string, number]> = [
  ['SLS', '営業本部', 'Sales', 22],
  ['SLP', '営業企画部', 'Sales Planning', 5],
  ['MKT', 'マーケティング部', 'Marketing', 6],
  ['CPL', '経営企画部', 'Corporate Planning', 3],
  ['HR', '人事部', 'Human Resources', 4],
  ['FIN', '経理財務部', 'Finance and Accounting', 4],
  ['LGL', '法務部', 'Legal', 2],
  ['GA', '総務部', 'General Affairs', 3],
  ['ITS', '情報システム部', 'Information Systems', 5],
  ['RND', '研究開発部', 'Research and Development', 9],
  ['PDV', '製品開発部', 'Product Development', 12],
  ['CS', 'カスタマーサクセス部', 'Customer Success', 10],
  ['QA', '品質保証部', 'Quality Assurance', 5],
  ['PR', '広報部', 'Public Relations', 2],
  ['INT', '海外事業部', 'International Business', 5],
];

const COMPANY = { nameJa: '株式会社カスミテック', nameEn: 'Kasumi Tech Co., Ltd.' } as const;

const NETWORK: DemoNetworkSettings = {
  nameJa: 'カスミテック アルムナイネットワーク',
  nameEn: 'Kasumi Tech Alumni Network',
  operatorType: 'company',
  purposeJa:
    'カスミテックを卒業した皆さんと現社員が、退職後もゆるやかにつながり続けるための場です。近況や社内のニュースを共有し、' +
    '協業やキャリアの相談、イベントでの再会にお役立てください。採用だけを目的とした場ではありません。',
  purposeEn:
    'A place where people who have left Kasumi Tech and current employees stay loosely in touch: share news, ' +
    'discuss collaboration and careers, and meet again at events. It is not a recruiting pool.',
  rulesJa:
    '1. お互いを尊重し、誹謗中傷や勧誘目的の投稿はしないでください。\n' +
    '2. 在籍中に知り得た秘密情報や個人情報は書き込まないでください。\n' +
    '3. 他のメンバーの連絡先を本人の同意なく共有しないでください。',
  rulesEn:
    '1. Treat each other with respect; no abuse and no unsolicited sales.\n' +
    '2. Do not post confidential or personal information you learned while employed.\n' +
    '3. Do not share other members’ contact details without their consent.',
  timeZone: 'Asia/Tokyo',
};

// ---------------------------------------------------------------- dates (UTC, day precision)

const DAY_MS = 86_400_000;
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const ymd = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * DAY_MS);
/** Same day `n` years later; 29 February becomes 28 February (not 1 March). */
const addYears = (d: Date, n: number) => {
  const y = d.getUTCFullYear() + n;
  const m = d.getUTCMonth();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), last)));
};
const endOfMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
const startOfDay = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);

// ---------------------------------------------------------------- distributions

const REASON_WEIGHTS: ReadonlyArray<readonly [LeaveReasonCategory, number]> = [
  ['転職', 62],
  ['独立・起業', 7],
  ['家庭の事情', 11],
  ['進学・留学', 4],
  ['定年', 5],
  ['その他', 11],
];

/** Completed years of service at leaving (most leave early; a long tail up to 19 + months). */
const TENURE_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [1, 14], [2, 14], [3, 13], [4, 10], [5, 9], [6, 7], [7, 6], [8, 5], [9, 4], [10, 4],
  [11, 3], [12, 3], [13, 2], [14, 2], [15, 2], [16, 1], [17, 1], [18, 1], [19, 1],
];

/** Per year further back, the number of leavers shrinks by this factor (the company grew). */
const YEARLY_GROWTH = 1.08;

function titleFor(rng: Random, ageAtLeave: number): Title {
  const table: ReadonlyArray<readonly [Title, number]> =
    ageAtLeave < 28
      ? [['一般', 92], ['主任', 8]]
      : ageAtLeave < 35
        ? [['一般', 50], ['主任', 35], ['係長', 13], ['課長', 2]]
        : ageAtLeave < 43
          ? [['一般', 22], ['主任', 25], ['係長', 25], ['課長', 25], ['次長', 3]]
          : ageAtLeave < 51
            ? [['一般', 15], ['主任', 10], ['係長', 20], ['課長', 35], ['次長', 10], ['部長', 10]]
            : [['一般', 12], ['主任', 5], ['係長', 15], ['課長', 33], ['次長', 15], ['部長', 20]];
  return rng.weighted(table);
}

function emailLocalPart(rng: Random, person: PersonName, birthYear: number): string {
  const g = person.given.romaji.toLowerCase();
  const f = person.family.romaji.toLowerCase();
  const base = rng.weighted<string>([
    [`${g}.${f}`, 40],
    [`${f}.${g}`, 20],
    [`${g[0]}.${f}`, 15],
    [`${g}_${f}`, 10],
    [`${g}${f}`, 15],
  ]);
  const suffix = rng.weighted<string>([
    [String(birthYear % 100).padStart(2, '0'), 35],
    [String(rng.int(1, 999)), 45],
    ['', 20],
  ]);
  return suffix ? `${base}.${suffix}` : base;
}

// ---------------------------------------------------------------- leavers

/** A leaver before employee numbers and ids are handed out (in order of joining). */
type Draft = Omit<DemoLeaver, 'id' | 'employeeNumber'>;

function draftLeaver(rng: Random, today: Date, years: number, emails: Set<string>): Draft {
  const reason = rng.weighted(REASON_WEIGHTS);

  // Leave date: a year bucket (recent years weigh more), a day in it, mostly a month end.
  const bucket = rng.weightedPick(
    Array.from({ length: years }, (_, k) => k),
    (k) => Math.pow(YEARLY_GROWTH, -k),
  );
  const windowEnd = addYears(today, -bucket);
  const windowStart = addDays(addYears(today, -(bucket + 1)), 1);
  let left = rng.dateBetween(windowStart, windowEnd);
  if (rng.chance(0.12)) {
    // Fiscal-year end: many leave on 31 March.
    const march = utc(left.getUTCFullYear(), 3, 31);
    if (march >= windowStart && march <= windowEnd) left = march;
  }
  if (rng.chance(0.8) && endOfMonth(left) <= windowEnd) left = endOfMonth(left);

  // Tenure, age and hiring route.
  let tenureYears: number;
  let ageAtJoin: number;
  let newGraduate: boolean;
  if (reason === '定年') {
    tenureYears = rng.int(10, 19);
    const ageAtLeave = rng.chance(0.75) ? 60 : 65;
    ageAtJoin = ageAtLeave - tenureYears - 1;
    newGraduate = false;
  } else {
    tenureYears = rng.weighted(reason === '進学・留学' ? TENURE_WEIGHTS.slice(0, 7) : TENURE_WEIGHTS);
    newGraduate = rng.chance(0.55);
    ageAtJoin = newGraduate
      ? rng.weighted([[22, 70], [23, 8], [24, 22]])
      : rng.weighted(Array.from({ length: 22 }, (_, i) => [24 + i, 22 - i] as const));
    if (reason === '進学・留学') ageAtJoin = Math.min(ageAtJoin, 27);
    // Nobody but a retiree leaves at 60 or older.
    if (ageAtJoin + tenureYears > 58) ageAtJoin = Math.max(22, 58 - tenureYears);
  }

  // Join date: (tenureYears, tenureYears + 1] years before leaving, snapped to how
  // Japanese companies hire (new graduates on 1 April, others on the 1st of a month),
  // and kept within 1..20 years of service.
  const earliest = addYears(left, -20);
  const latest = addYears(left, -1);
  let joined = rng.dateBetween(addDays(addYears(left, -(tenureYears + 1)), 1), addYears(left, -tenureYears));
  if (newGraduate) {
    let april = utc(joined.getUTCFullYear(), 4, 1);
    if (april > joined) april = utc(joined.getUTCFullYear() - 1, 4, 1);
    if (april < earliest) april = addYears(april, 1);
    joined = april;
  } else {
    let first = utc(joined.getUTCFullYear(), joined.getUTCMonth() + 1, 1);
    if (first < earliest) first = utc(first.getUTCFullYear(), first.getUTCMonth() + 2, 1);
    joined = first;
  }
  if (joined > latest || joined < earliest) throw new Error('demo generator: tenure out of range'); // invariant

  const ageAtLeave = ageAtJoin + Math.floor((left.getTime() - joined.getTime()) / (365.25 * DAY_MS));
  const birthYear = joined.getUTCFullYear() - ageAtJoin;
  const person = generatePerson(rng, { birthYear });

  // Department history: 1–3 stints, transfers (異動) on 1 April or 1 October.
  const serviceYears = (left.getTime() - joined.getTime()) / (365.25 * DAY_MS);
  let stintCount = rng.weighted(
    serviceYears < 3
      ? [[1, 85], [2, 15]]
      : serviceYears < 8
        ? [[1, 40], [2, 42], [3, 18]]
        : [[1, 20], [2, 40], [3, 40]],
  );
  const candidates: Date[] = [];
  const from = addDays(joined, 180);
  const to = addDays(left, -60);
  for (let y = from.getUTCFullYear(); y <= to.getUTCFullYear(); y++) {
    for (const m of [4, 10]) {
      const d = utc(y, m, 1);
      if (d > from && d <= to) candidates.push(d);
    }
  }
  stintCount = Math.min(stintCount, candidates.length + 1);
  const transfers = rng
    .sample(candidates, stintCount - 1)
    .sort((a, b) => a.getTime() - b.getTime());
  const starts = [joined, ...transfers];
  const stints: DemoDepartmentStint[] = [];
  let previous: string | null = null;
  for (let s = 0; s < starts.length; s++) {
    const dept: string = rng.weightedPick(DEPARTMENT_DATA, (d) => (d[0] === previous ? 0 : d[3]))[0];
    const next = starts[s + 1];
    stints.push({ departmentCode: dept, fromOn: ymd(starts[s] as Date), toOn: ymd(next ? addDays(next, -1) : left) });
    previous = dept;
  }

  const title = reason === '定年' ? rng.weighted<Title>([['課長', 35], ['次長', 20], ['部長', 30], ['係長', 15]]) : titleFor(rng, ageAtLeave);

  const leftYearsAgo = (today.getTime() - left.getTime()) / (365.25 * DAY_MS);
  const rehireEligible = rng.weighted<RehireEligible>(
    leftYearsAgo > 8 ? [['yes', 62], ['no', 6], ['unknown', 32]] : [['yes', 82], ['no', 6], ['unknown', 12]],
  );

  // Personal e-mail: offboarding got better over the years, so recent leavers left one more often.
  const recency = 1 - Math.min(1, (today.getTime() - left.getTime()) / (years * 365.25 * DAY_MS));
  let personalEmail: string | null = null;
  if (rng.chance(0.42 + 0.3 * recency)) {
    const local = emailLocalPart(rng, person, birthYear);
    const domain = rng.weighted<string>([['example.jp', 50], ['example.com', 30], ['example.net', 20]]);
    let email = `${local}@${domain}`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@${domain}`;
    emails.add(email);
    personalEmail = email;
  }
  const contactConsent = personalEmail !== null && rng.chance(0.75);

  return {
    name: person.name,
    nameKana: person.nameKana,
    nameRomaji: person.nameRomaji,
    gender: person.gender,
    departmentCode: (stints[stints.length - 1] as DemoDepartmentStint).departmentCode,
    title,
    joinedOn: ymd(joined),
    leftOn: ymd(left),
    leaveReasonCategory: reason,
    rehireEligible,
    personalEmail,
    contactConsent,
    departments: stints,
  };
}

// ---------------------------------------------------------------- accounts

interface StaffSpec {
  email: string;
  role: Exclude<Role, 'alumnus'>;
  isManager: boolean;
  departmentCode: string;
  title: Title;
  birthYear: number;
  gender?: Gender;
}

/** 2 operators, 2 community managers, 10 employees of whom 4 are managers. */
const STAFF: readonly StaffSpec[] = [
  { email: DEMO_ACCOUNTS.operator, role: 'operator', isManager: false, departmentCode: 'HR', title: '課長', birthYear: 1979, gender: 'female' },
  { email: 'operator2@example.com', role: 'operator', isManager: false, departmentCode: 'HR', title: '一般', birthYear: 1994 },
  { email: DEMO_ACCOUNTS.communityManager, role: 'community_manager', isManager: false, departmentCode: 'PR', title: '主任', birthYear: 1988 },
  { email: 'cm2@example.com', role: 'community_manager', isManager: false, departmentCode: 'CS', title: '係長', birthYear: 1985 },
  { email: DEMO_ACCOUNTS.manager, role: 'employee', isManager: true, departmentCode: 'SLS', title: '部長', birthYear: 1972, gender: 'male' },
  { email: 'manager2@example.com', role: 'employee', isManager: true, departmentCode: 'RND', title: '課長', birthYear: 1978 },
  { email: 'manager3@example.com', role: 'employee', isManager: true, departmentCode: 'PDV', title: '課長', birthYear: 1981 },
  { email: 'manager4@example.com', role: 'employee', isManager: true, departmentCode: 'CS', title: '次長', birthYear: 1976 },
  { email: DEMO_ACCOUNTS.employee, role: 'employee', isManager: false, departmentCode: 'MKT', title: '一般', birthYear: 1996 },
  { email: 'employee2@example.com', role: 'employee', isManager: false, departmentCode: 'SLS', title: '主任', birthYear: 1990 },
  { email: 'employee3@example.com', role: 'employee', isManager: false, departmentCode: 'PDV', title: '一般', birthYear: 1998 },
  { email: 'employee4@example.com', role: 'employee', isManager: false, departmentCode: 'ITS', title: '係長', birthYear: 1987 },
  { email: 'employee5@example.com', role: 'employee', isManager: false, departmentCode: 'FIN', title: '一般', birthYear: 1993 },
  { email: 'employee6@example.com', role: 'employee', isManager: false, departmentCode: 'QA', title: '主任', birthYear: 1989 },
];

/** How many leavers get an alumni account. */
const ALUMNI_ACCOUNTS = 30;

function staffAccounts(rng: Random): DemoAccount[] {
  const taken = new Set<string>();
  return STAFF.map((spec) => {
    let person = generatePerson(rng, { birthYear: spec.birthYear, ...(spec.gender ? { gender: spec.gender } : {}) });
    // Distinct surnames keep the demo's staff easy to tell apart on screen.
    while (taken.has(person.family.kanji)) {
      person = generatePerson(rng, { birthYear: spec.birthYear, ...(spec.gender ? { gender: spec.gender } : {}) });
    }
    taken.add(person.family.kanji);
    return {
      email: spec.email,
      name: person.name,
      nameKana: person.nameKana,
      nameRomaji: person.nameRomaji,
      role: spec.role,
      isManager: spec.isManager,
      status: 'active' as const,
      departmentCode: spec.departmentCode,
      title: spec.title,
      rosterEmployeeNumber: null,
    };
  });
}

/**
 * Picks leavers who would plausibly have signed up (consented, left in the last six years,
 * not barred from rehire), gives them the fixed alumni addresses as their personal e-mail
 * and returns their accounts. Mutates the chosen leavers.
 */
function alumniAccounts(rng: Random, leavers: DemoLeaver[], today: Date): DemoAccount[] {
  const sixYearsAgo = ymd(addYears(today, -6));
  let pool = leavers.filter((l) => l.contactConsent && l.leftOn >= sixYearsAgo && l.rehireEligible !== 'no');
  if (pool.length < ALUMNI_ACCOUNTS) pool = leavers;
  const chosen = rng
    .sample(pool, ALUMNI_ACCOUNTS)
    .sort((a, b) => (a.employeeNumber < b.employeeNumber ? -1 : 1));
  return chosen.map((leaver, i) => {
    const email = i === 0 ? DEMO_ACCOUNTS.alumnus : `alumnus${i + 1}@example.com`;
    leaver.personalEmail = email;
    leaver.contactConsent = true;
    return {
      email,
      name: leaver.name,
      nameKana: leaver.nameKana,
      nameRomaji: leaver.nameRomaji,
      role: 'alumnus' as const,
      isManager: false,
      status: 'active' as const,
      departmentCode: null,
      title: null,
      rosterEmployeeNumber: leaver.employeeNumber,
    };
  });
}

// ---------------------------------------------------------------- entry point

/**
 * Generates the demo network. Same options → byte-identical `JSON.stringify` output.
 * Independent random streams per part: changing `leavers` does not rename the staff.
 */
export function generateDemoNetwork(opts: GenerateDemoOptions = {}): DemoNetwork {
  const seed = opts.seed ?? 42;
  const count = opts.leavers ?? 2000;
  const years = opts.years ?? 15;
  const todayInput = opts.today ?? new Date('2026-11-01');
  if (!Number.isInteger(count) || count < 0 || count > 300_000) {
    throw new RangeError(`leavers must be an integer between 0 and 300000, got ${count}`);
  }
  if (!Number.isInteger(years) || years < 1 || years > 40) {
    throw new RangeError(`years must be an integer between 1 and 40, got ${years}`);
  }
  if (Number.isNaN(todayInput.getTime())) throw new RangeError('today is not a valid date');
  const today = startOfDay(todayInput);

  const root = new Random(seed, 'kizuna-demo');
  const ids = root.fork('ids');

  const departments: DemoDepartment[] = DEPARTMENT_DATA.map(([code, nameJa, nameEn]) => ({
    id: ids.uuid(),
    code,
    nameJa,
    nameEn,
  }));

  const leaverRng = root.fork('leavers');
  const emails = new Set<string>();
  const drafts: Array<{ index: number; draft: Draft }> = [];
  for (let i = 0; i < count; i++) drafts.push({ index: i, draft: draftLeaver(leaverRng, today, years, emails) });

  // Employee numbers are handed out in order of joining, with gaps for people still employed.
  drafts.sort((a, b) =>
    a.draft.joinedOn < b.draft.joinedOn ? -1 : a.draft.joinedOn > b.draft.joinedOn ? 1 : a.index - b.index,
  );
  const numberRng = root.fork('employee-numbers');
  let next = 100_000 + numberRng.int(1, 500);
  const leavers: DemoLeaver[] = drafts.map(({ draft }) => {
    const employeeNumber = `E${String(next).padStart(6, '0')}`;
    next += numberRng.int(1, 3);
    return { id: ids.uuid(), employeeNumber, ...draft };
  });

  const accounts = [...staffAccounts(root.fork('staff')), ...alumniAccounts(root.fork('alumni'), leavers, today)];

  return {
    seed,
    today: ymd(today),
    company: { ...COMPANY, departments },
    network: { ...NETWORK },
    leavers,
    accounts,
    password: DEMO_PASSWORD,
  };
}
