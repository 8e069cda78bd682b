/**
 * Demo profiles for the alumni accounts: where they work now, skills, a short bio, what
 * they want from the network and who may see each field. Pure: the same seed gives the
 * same profiles.
 */
import type { ContactPreference, Visibility, Want } from '../db/schema.ts';
import { Random } from './random.ts';

export interface DemoProfile {
  nameRomaji: string;
  currentEmployer: string;
  currentTitle: string;
  industry: string;
  country: string;
  prefecture: string | null;
  skills: string[];
  bioJa: string;
  bioEn: string | null;
  achievements: string | null;
  wants: Want[];
  contact: ContactPreference;
  career: { employer: string; title: string; fromMonth: string; toMonth: string | null }[];
  visibility: Record<string, Visibility>;
}

const EMPLOYERS: ReadonlyArray<readonly [string, string]> = [
  ['株式会社サクラテック', 'it'],
  ['青葉コンサルティング株式会社', 'consulting'],
  ['Northwind Japan合同会社', 'it'],
  ['東都銀行', 'finance'],
  ['みなと物流株式会社', 'logistics'],
  ['Kumo Labs', 'it'],
  ['日の出製薬株式会社', 'healthcare'],
  ['株式会社ひかり教育', 'education'],
  ['大和商事株式会社', 'trading'],
  ['Blue Harbor Partners', 'consulting'],
  ['株式会社ミライ電機', 'manufacturing'],
  ['さくら不動産株式会社', 'realEstate'],
  ['横浜市役所', 'public'],
  ['株式会社アオゾラ広告', 'media'],
  ['フリーランス', 'other'],
];

const TITLES = ['営業部長', '営業企画マネージャー', 'シニアエンジニア', 'プロダクトマネージャー', '人事部長', 'マーケティング担当', '経理課長', 'データアナリスト', 'Engineering Manager', 'Product Designer', 'コンサルタント', '代表取締役', '法務担当', 'カスタマーサクセス'];

const SKILLS = ['営業', '法人営業', '事業企画', 'TypeScript', 'Java', 'Python', 'データ分析', '財務', '法務', '採用', '人事制度', 'マーケティング', 'UXデザイン', 'プロジェクト管理', '英語', '中国語', 'SQL', 'AWS', '品質管理', 'M&A'];

const BIOS = [
  '退職後は{employer}で{title}をしています。古巣の皆さんとまた何か一緒にできたら嬉しいです。',
  '{employer}に転職して{years}年になります。在籍時にお世話になった方、ぜひ声をかけてください。',
  '現在は{employer}で働いています。副業や協業の相談も歓迎です。',
  '子育てが一段落し、{employer}で新しい挑戦をしています。同期の皆さんとの交流を楽しみにしています。',
];

const BIOS_EN = ['Happy to talk about {skill} and about life after the company.', 'Open to side projects and to mentoring younger alumni.', null, null];

const ACHIEVEMENTS = ['新規事業の立ち上げ(売上10億円規模)', 'ISO 27001 認証取得プロジェクトを主導', '社内表彰(2019年度 MVP)', null, null, null];

const WANT_SETS: Want[][] = [
  ['social', 'information'],
  ['business', 'sideWork'],
  ['return', 'information'],
  ['advice', 'social'],
  ['mentor'],
  ['business', 'advice'],
];

export function generateDemoProfile(rng: Random, name: { nameRomaji: string; leftOn: string }): DemoProfile {
  const [employer, industry] = rng.pick(EMPLOYERS);
  const title = rng.pick(TITLES);
  const leftYear = Number(name.leftOn.slice(0, 4));
  const skills = rng.sample(SKILLS, rng.int(2, 5));
  const years = Math.max(1, 2026 - leftYear);
  const bioJa = rng
    .pick(BIOS)
    .replace('{employer}', employer)
    .replace('{title}', title)
    .replace('{years}', String(years));
  const bioEnTemplate = rng.pick(BIOS_EN);
  const startMonth = `${Math.min(2026, leftYear + (rng.chance(0.5) ? 0 : 1))}-${String(rng.int(1, 12)).padStart(2, '0')}`;
  const career = [{ employer, title, fromMonth: startMonth, toMonth: null }];
  const visibility: Record<string, Visibility> = {
    // Most people keep the defaults; some open up more, as real members do.
    tenure: rng.chance(0.7) ? 'network' : 'private',
    wants: rng.chance(0.6) ? 'network' : 'private',
    location: rng.chance(0.5) ? 'alumni' : 'private',
    currentEmployer: rng.chance(0.7) ? 'network' : 'alumni',
    currentTitle: rng.chance(0.7) ? 'network' : 'alumni',
  };
  return {
    nameRomaji: name.nameRomaji,
    currentEmployer: employer,
    currentTitle: title,
    industry,
    country: rng.chance(0.9) ? 'JP' : rng.pick(['US', 'SG', 'GB']),
    prefecture: null,
    skills,
    bioJa,
    bioEn: bioEnTemplate ? bioEnTemplate.replace('{skill}', skills[0] ?? 'work') : null,
    achievements: rng.pick(ACHIEVEMENTS),
    wants: rng.pick(WANT_SETS),
    contact: rng.pick(['yes', 'yes', 'company', 'no'] as const),
    career,
    visibility,
  };
}

/** Tokyo most often, then the other large prefectures (JIS codes). */
export function demoPrefecture(rng: Random): string {
  return rng.weighted([
    ['13', 6],
    ['14', 2],
    ['27', 2],
    ['23', 1],
    ['40', 1],
    ['01', 1],
  ] as const);
}

export function demoProfiles(seed: number, people: readonly { email: string; nameRomaji: string; leftOn: string }[]): Map<string, DemoProfile> {
  const rng = new Random(seed, 'kizuna-demo-profiles');
  const out = new Map<string, DemoProfile>();
  for (const p of people) {
    const profile = generateDemoProfile(rng, p);
    if (profile.country === 'JP') profile.prefecture = demoPrefecture(rng);
    out.set(p.email, profile);
  }
  return out;
}
