/**
 * Deterministic generator of directory profiles for `npm run bench -- directory`: Japanese
 * names with readings (the demo's weighted surname and given-name lists), employers and titles
 * in Japanese and English, skills, bios mixing both languages, industries, prefectures,
 * wishes, years and departments at the company, and per-field visibilities (mostly the
 * defaults). Each profile becomes a `ProfileRecord` and its rows come from the app's own
 * `directoryRows()`, so the table holds exactly what the app writes. Also encodes rows for
 * COPY (text format) and holds the vocabulary the query kinds draw their terms from.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { migrationsFolder } from '../src/db/migrate.ts';
import { WANTS, type ContactPreference, type Want } from '../src/db/schema.ts';
import { generatePerson, SURNAMES } from '../src/demo/names.ts';
import { Random } from '../src/demo/random.ts';
import { INDUSTRIES, PROFILE_FIELDS, type ProfileField } from '../src/features/profiles/profile.fields.ts';
import { directoryRows, type CareerItem, type DirectoryRow, type ProfileRecord, type TenurePeriod } from '../src/features/profiles/profile.present.ts';

/** Bump when the generated data changes: a kept database of another version is loaded again. */
export const GENERATOR_VERSION = 'directory-data/1';
export const SEED = 20_261_101;

export interface BenchDepartment {
  id: string;
  code: string;
  nameJa: string;
  nameEn: string;
}

const DEPARTMENT_NAMES: ReadonlyArray<readonly [string, string, string]> = [
  ['SAL1', '第一営業部', 'Sales Dept. 1'],
  ['SAL2', '第二営業部', 'Sales Dept. 2'],
  ['CORP', '法人営業部', 'Corporate Sales'],
  ['ENG', '開発部', 'Engineering'],
  ['PLAT', 'プラットフォーム開発部', 'Platform Engineering'],
  ['INFRA', 'インフラ部', 'Infrastructure'],
  ['SEC', 'セキュリティ部', 'Security'],
  ['ITS', '情報システム部', 'IT Systems'],
  ['DATA', 'データ分析部', 'Data Analytics'],
  ['RND', '研究開発部', 'Research and Development'],
  ['HR', '人事部', 'Human Resources'],
  ['GA', '総務部', 'General Affairs'],
  ['ACC', '経理部', 'Accounting'],
  ['FIN', '財務部', 'Finance'],
  ['LEG', '法務部', 'Legal'],
  ['STR', '経営企画部', 'Corporate Planning'],
  ['MKT', 'マーケティング部', 'Marketing'],
  ['PR', '広報部', 'Public Relations'],
  ['QA', '品質保証部', 'Quality Assurance'],
  ['MFG', '製造部', 'Manufacturing'],
  ['PROD', '生産管理部', 'Production Control'],
  ['PUR', '購買部', 'Procurement'],
  ['LOG', '物流部', 'Logistics'],
  ['INT', '海外事業部', 'International Business'],
  ['CS', 'カスタマーサポート部', 'Customer Support'],
  ['CSM', 'カスタマーサクセス部', 'Customer Success'],
  ['BD', '事業開発部', 'Business Development'],
  ['DES', 'デザイン部', 'Design'],
  ['PLN', '商品企画部', 'Product Planning'],
  ['AUD', '内部監査室', 'Internal Audit'],
  ['SECY', '秘書室', 'Executive Office'],
  ['NEW', '新規事業部', 'New Business'],
  ['CON', 'コンサルティング部', 'Consulting'],
  ['EDU', '教育研修部', 'Training'],
  ['TKY', '東京支社', 'Tokyo Branch'],
  ['OSK', '大阪支社', 'Osaka Branch'],
  ['NGY', '名古屋支社', 'Nagoya Branch'],
  ['FUK', '福岡支店', 'Fukuoka Branch'],
  ['SPK', '札幌支店', 'Sapporo Branch'],
  ['SND', '仙台支店', 'Sendai Branch'],
];

export const DEPARTMENTS: readonly BenchDepartment[] = (() => {
  const rng = new Random(SEED, 'departments');
  return DEPARTMENT_NAMES.map(([code, nameJa, nameEn]) => ({ id: rng.uuid(), code, nameJa, nameEn }));
})();

export const EMPLOYERS_JA = [
  '三和商事株式会社', '東都銀行', 'さくらソリューションズ', '日本データシステム株式会社', 'みらい証券', '北斗製作所', '青葉コンサルティング',
  '大和ロジスティクス', '富士テクノロジー', '光陽電機', '丸の内法律事務所', '日の出食品', 'あおぞらヘルスケア', '東邦エナジー', '桜花出版',
  'ひかり生命保険', '瀬戸内海運', '株式会社ミナトデジタル', '中央監査法人', '株式会社ユニバース', 'しずく化粧品', '東京都庁', '横浜市役所',
  '国立みなと大学', '株式会社つばさ航空', '北陸精機', '株式会社アサヒネット', 'コスモ不動産', '株式会社ひまわり保育', 'グリーン電力株式会社',
  'フリーランス', '自営業',
] as const;

export const EMPLOYERS_EN = [
  'Globex Japan', 'Initech', 'Northwind Traders', 'Contoso Ltd.', 'Fabrikam Japan', 'Blue Sky Analytics', 'Pacific Cloud', 'Zenith Consulting',
  'Orbit Robotics', 'Harbor Capital', 'Lumen Health', 'Summit Education', 'Vertex Software', 'Acme Corporation', 'Tokyo Ventures', 'Sakura Payments',
  'Nimbus Data', 'Redwood Partners', 'Atlas Logistics', 'Evergreen Energy',
] as const;

export const TITLES = [
  '営業部長', '営業課長', '法人営業', '営業担当', 'エンジニア', 'シニアエンジニア', 'ソフトウェアエンジニア', 'インフラエンジニア', 'データサイエンティスト',
  'データアナリスト', 'プロダクトマネージャー', '人事', '人事部長', '採用担当', '人事マネージャー', 'マーケティング担当', 'マーケティング部長', '経営企画',
  '経営企画部長', '事業開発', '財務部長', '経理', '法務', '法務部長', '弁護士', 'コンサルタント', 'シニアコンサルタント', 'デザイナー', 'UXデザイナー',
  '広報', 'カスタマーサクセス', '研究員', '教員', '看護師', '公認会計士', '代表取締役', '取締役', '執行役員',
  'Product Manager', 'Software Engineer', 'Senior Software Engineer', 'Engineering Manager', 'Data Scientist', 'Marketing Manager',
  'Business Development Manager', 'Customer Success Manager', 'Consultant', 'CFO', 'CTO', 'CEO', 'Sales Director', 'HR Business Partner',
] as const;

export const SKILLS = [
  'Java', 'TypeScript', 'JavaScript', 'Python', 'Go', 'Rust', 'C#', 'Kotlin', 'Swift', 'React', 'Vue.js', 'Node.js', 'AWS', 'GCP', 'Azure',
  'Kubernetes', 'Docker', 'SQL', 'PostgreSQL', '機械学習', 'データ分析', '統計', 'Excel', 'SAP', 'Salesforce', '営業', '法人営業', '新規開拓',
  '財務', '会計', '経理', '税務', '法務', '契約審査', '知的財産', '人事', '採用', '労務', '組織開発', 'マーケティング', 'デジタルマーケティング', 'SEO',
  '広告運用', 'ブランディング', '広報', 'プロジェクト管理', 'PMO', 'アジャイル', 'スクラム', '品質保証', 'テスト自動化', 'UXデザイン', 'Figma', '英語',
  '中国語', '韓国語', '簿記1級', '中小企業診断士', '事業開発', '新規事業', 'M&A', '経営企画', 'サプライチェーン', '物流', '生産管理', '購買',
] as const;

const TOPICS_JA = ['生成AI', '地方創生', 'スタートアップ', 'DX', 'サステナビリティ', '子育てと仕事の両立', 'マラソン', '英語学習', '副業', '登山', '日本酒', 'キャンプ'];
const TOPICS_EN = ['generative AI', 'startups', 'sustainability', 'remote work', 'open source', 'mentoring', 'marathon running', 'design systems', 'fintech'];
const CITIES_EN = ['Tokyo', 'Osaka', 'Nagoya', 'Fukuoka', 'Sapporo', 'Singapore', 'London', 'San Francisco'];
const COUNTRIES = ['US', 'SG', 'GB', 'DE', 'CN', 'KR', 'TW', 'AU', 'CA', 'TH'];
const PREFECTURE_WEIGHTS: ReadonlyArray<readonly [string, number]> = Array.from({ length: 47 }, (_, i) => {
  const code = String(i + 1).padStart(2, '0');
  // Tokyo, Kanagawa, Osaka, Aichi, Saitama, Chiba, Fukuoka, Hyogo, Hokkaido carry most people.
  const heavy: Record<string, number> = { '13': 40, '14': 14, '27': 12, '23': 8, '11': 8, '12': 7, '40': 5, '28': 5, '01': 4 };
  return [code, heavy[code] ?? 1] as const;
});

const DAY_MS = 86_400_000;
const KIZUNA_START = Date.UTC(2024, 0, 1);
const NOW = Date.UTC(2026, 10, 1);

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Visibility overrides: most members keep the defaults, some open fields up or keep them to themselves. */
function visibilityFor(rng: Random): Record<string, string> {
  if (rng.chance(0.55)) return {};
  const v: Record<string, string> = {};
  const set = (field: ProfileField, choices: ReadonlyArray<readonly [string, number]>) => {
    const value = rng.weighted(choices);
    if (value) v[field] = value;
  };
  set('name', [['', 90], ['alumni', 10]]);
  set('nameKana', [['', 94], ['alumni', 6]]);
  set('currentEmployer', [['', 70], ['network', 25], ['private', 5]]);
  set('currentTitle', [['', 70], ['network', 25], ['private', 5]]);
  set('industry', [['', 70], ['network', 30]]);
  set('location', [['', 30], ['alumni', 50], ['network', 20]]);
  set('skills', [['', 70], ['network', 25], ['private', 5]]);
  set('bio', [['', 75], ['network', 15], ['private', 10]]);
  set('wants', [['', 30], ['alumni', 55], ['network', 15]]);
  set('tenure', [['', 25], ['alumni', 55], ['network', 20]]);
  set('career', [['', 80], ['network', 15], ['private', 5]]);
  for (const key of Object.keys(v)) if (!(PROFILE_FIELDS as readonly string[]).includes(key)) delete v[key];
  return v;
}

function bioJa(rng: Random, p: { employer: string | null; title: string | null; skills: string[]; dept: string | null }): string {
  const sentences: string[] = [];
  if (p.employer && p.title) sentences.push(`現在は${p.employer}で${p.title}として働いています。`);
  const pool = [
    () => (p.skills.length >= 2 ? `${p.skills[0]}と${p.skills[1]}が得意です。` : `${rng.pick(SKILLS)}を勉強中です。`),
    () => (p.dept ? `在籍中は${p.dept}でお世話になりました。` : 'アルムナイの皆さんと情報交換できればうれしいです。'),
    () => `最近は${rng.pick(TOPICS_JA)}に関心があります。`,
    () => `副業で${rng.pick(SKILLS)}の支援をしています。`,
    () => 'お気軽にご連絡ください。',
    () => `${rng.pick(CITIES_EN)}在住です。`,
  ];
  const count = rng.int(1, 3) - sentences.length;
  for (const make of rng.sample(pool, Math.max(1, count))) sentences.push(make());
  return sentences.join('');
}

function bioEn(rng: Random, p: { employer: string | null; title: string | null; skills: string[] }): string {
  const sentences: string[] = [];
  const pool = [
    () => (p.employer && p.title ? `Working as ${p.title} at ${p.employer}.` : 'Currently between roles.'),
    () => `Interested in ${rng.pick(TOPICS_EN)}.`,
    () => (p.skills.length ? `Happy to chat about ${p.skills[0]}${p.skills[1] ? ` and ${p.skills[1]}` : ''}.` : 'Happy to help fellow alumni.'),
    () => `Based in ${rng.pick(CITIES_EN)}.`,
    () => 'Open to side projects and mentoring.',
  ];
  for (const make of rng.sample(pool, rng.int(1, 3))) sentences.push(make());
  return sentences.join(' ');
}

/** Account row of one generated member (the users columns the bench writes). */
export interface BenchUser {
  id: string;
  name: string;
  email: string;
  nameKana: string;
  createdAt: Date;
}

/** One generated member: the record the app would load, and its account row. */
export function generateMember(rng: Random, index: number): { user: BenchUser; record: ProfileRecord } {
  const leftYear = rng.weighted([
    [rng.int(1995, 2005), 15],
    [rng.int(2006, 2015), 30],
    [rng.int(2016, 2025), 55],
  ]);
  const tenureYears = rng.int(1, 25);
  const joinedYear = Math.max(1975, leftYear - tenureYears);
  const birthYear = joinedYear - rng.int(22, 26);
  const person = generatePerson(rng, { birthYear });
  const jaEmployer = rng.chance(0.65);
  const employer = rng.chance(0.9) ? (jaEmployer ? rng.pick(EMPLOYERS_JA) : rng.pick(EMPLOYERS_EN)) : null;
  const title = employer || rng.chance(0.3) ? rng.pick(TITLES) : null;
  const skillCount = rng.weighted([[0, 10], [1, 10], [2, 15], [3, 20], [4, 15], [5, 12], [6, 8], [8, 6], [12, 4]]);
  const skills = rng.sample(SKILLS, skillCount);
  const deptCount = rng.weighted([[1, 50], [2, 35], [3, 15]]);
  const depts = rng.sample(DEPARTMENTS, deptCount);
  const joinedOn = Date.UTC(joinedYear, rng.int(0, 11), 1);
  const leftOn = Date.UTC(leftYear, rng.int(0, 11), rng.int(1, 28));
  const periods: TenurePeriod[] = [];
  const span = Math.max(1, leftOn - joinedOn);
  depts.forEach((d, i) => {
    const from = joinedOn + Math.floor((span * i) / depts.length);
    const to = i === depts.length - 1 ? leftOn : joinedOn + Math.floor((span * (i + 1)) / depts.length) - DAY_MS;
    periods.push({ departmentId: d.id, nameJa: d.nameJa, nameEn: d.nameEn, from: iso(from), to: iso(Math.max(from, to)) });
  });
  const careerCount = rng.weighted([[0, 35], [1, 35], [2, 20], [3, 10]]);
  const career: CareerItem[] = [];
  for (let i = 0; i < careerCount; i++) {
    const y = Math.min(2026, leftYear + i * 3);
    career.push({
      employer: rng.chance(0.65) ? rng.pick(EMPLOYERS_JA) : rng.pick(EMPLOYERS_EN),
      title: rng.chance(0.85) ? rng.pick(TITLES) : null,
      fromMonth: `${y}-${String(rng.int(1, 12)).padStart(2, '0')}`,
      toMonth: i === 0 ? null : `${Math.min(2026, y + 2)}-${String(rng.int(1, 12)).padStart(2, '0')}`,
    });
  }
  const inJapan = rng.chance(0.88);
  const country = rng.chance(0.85) ? (inJapan ? 'JP' : rng.pick(COUNTRIES)) : null;
  const joinedAt = new Date(KIZUNA_START + rng.int(0, Math.floor((NOW - KIZUNA_START) / 1000)) * 1000);
  const updatedAt = new Date(joinedAt.getTime() + rng.int(0, Math.floor((NOW - joinedAt.getTime()) / 1000)) * 1000);
  const wants: Want[] = rng.sample(WANTS, rng.weighted([[0, 30], [1, 30], [2, 25], [3, 15]]));
  const dept = depts[depts.length - 1]!;
  const record: ProfileRecord = {
    userId: rng.uuid(),
    name: person.name,
    nameKana: rng.chance(0.97) ? person.nameKana : null,
    role: 'alumnus',
    status: 'active',
    joinedAt,
    nameRomaji: rng.chance(0.6) ? person.nameRomaji : null,
    photoKey: null,
    currentEmployer: employer,
    currentTitle: title,
    industry: rng.chance(0.85) ? rng.pick(INDUSTRIES) : null,
    country,
    prefecture: country === 'JP' ? rng.weighted(PREFECTURE_WEIGHTS) : null,
    skills,
    achievements: rng.chance(0.2) ? (rng.chance(0.6) ? `${rng.pick(SKILLS)}の導入を主導し、業務時間を${rng.int(10, 60)}%削減。` : `Led the rollout of ${rng.pick(SKILLS)} across ${rng.int(2, 30)} teams.`) : null,
    links: [],
    bioJa: rng.chance(0.6) ? bioJa(rng, { employer, title, skills, dept: dept.nameJa }) : null,
    bioEn: rng.chance(0.35) ? bioEn(rng, { employer, title, skills }) : null,
    wants,
    contact: rng.weighted<ContactPreference>([['no', 50], ['yes', 35], ['company', 15]]),
    hidden: rng.chance(0.01),
    visibility: visibilityFor(rng),
    updatedAt,
    reviewedAt: updatedAt,
    career,
    tenure: { joinedOn: iso(joinedOn), leftOn: iso(leftOn), periods },
  };
  const user: BenchUser = { id: record.userId, name: record.name, email: `member${index}@example.jp`, nameKana: record.nameKana ?? '', createdAt: joinedAt };
  return { user, record };
}

/**
 * The generator version, a digest of the rows of the first members as the app builds them
 * today and the last migration: a kept database is loaded again when any of them changed (a
 * change to directoryRows() or fold() changes the rows; a migration may change the tables).
 */
export function dataVersion(): string {
  const sample = generateBatch(0, 300);
  const digest = createHash('sha256').update(sample.rows.map(directoryLine).join('\n')).update(sample.users.map(userLine).join('\n')).digest('hex');
  // A migration that touches directory_entries (other than by adding a trigger) may change or
  // empty it: the database is then loaded again. Other migrations are simply applied to the kept database when the app opens it.
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const touching = journal.entries
    .map((e) => e.tag)
    .filter((tag) =>
      fs
        .readFileSync(path.join(migrationsFolder, `${tag}.sql`), 'utf8')
        .split('--> statement-breakpoint')
        // A trigger on the table leaves its rows as they are.
        .some((statement) => /directory_entries/.test(statement) && !/^\s*(--[^\n]*\n\s*)*CREATE TRIGGER/i.test(statement)),
    );
  return `${GENERATOR_VERSION}+${digest.slice(0, 12)}+${touching.at(-1) ?? 'none'}`;
}

/** Members `from` .. `from + count - 1` of the data set: the same members for the same indexes, whatever the batch size. */
export function generateBatch(from: number, count: number): { users: BenchUser[]; rows: DirectoryRow[] } {
  const users: BenchUser[] = [];
  const rows: DirectoryRow[] = [];
  // One stream per block of 1,000 members, so any size is a prefix of a larger one.
  let rng: Random | null = null;
  for (let i = from; i < from + count; i++) {
    if (rng === null || i % 1000 === 0) {
      rng = new Random(SEED, `members/${Math.floor(i / 1000)}`);
      for (let skip = i % 1000; skip > 0; skip--) generateMember(rng, -1);
    }
    const { user, record } = generateMember(rng, i);
    users.push(user);
    rows.push(...directoryRows(record));
  }
  return { users, rows };
}

// ---------------------------------------------------------------- COPY text format

/** Escapes a value for COPY's text format. */
function copyText(value: string): string {
  return value.replace(/[\\\n\r\t]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : '\\t'));
}

/** A text[] literal with every element quoted. */
function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`).join(',')}}`;
}

const NULL = '\\N';

export const USER_COLUMNS = ['id', 'name', 'email', 'name_kana', 'role', 'status', 'email_verified', 'created_at', 'updated_at'] as const;

export function userLine(u: BenchUser): string {
  const at = u.createdAt.toISOString();
  return [copyText(u.id), copyText(u.name), copyText(u.email), u.nameKana ? copyText(u.nameKana) : NULL, 'alumnus', 'active', 't', at, at].join('\t');
}

export const DIRECTORY_COLUMNS = [
  'user_id', 'audience', 'sort_key', 'joined_at', 'updated_at', 'search_text', 'grams', 'industry', 'country', 'prefecture', 'skills', 'wants',
  'department_ids', 'left_year', 'card',
] as const;

export function directoryLine(r: DirectoryRow): string {
  return [
    copyText(r.userId),
    r.audience,
    copyText(r.sortKey),
    r.joinedAt.toISOString(),
    r.updatedAt.toISOString(),
    copyText(r.searchText),
    copyText(arrayLiteral(r.grams)),
    r.industry === null ? NULL : copyText(r.industry),
    r.country === null ? NULL : copyText(r.country),
    r.prefecture === null ? NULL : copyText(r.prefecture),
    copyText(arrayLiteral(r.skills)),
    copyText(arrayLiteral(r.wants)),
    `{${r.departmentIds.join(',')}}`,
    r.leftYear === null ? NULL : String(r.leftYear),
    copyText(JSON.stringify(r.card)),
  ].join('\t');
}

// ---------------------------------------------------------------- vocabulary for the query kinds

/** Surnames by how common they are: the most common, the middle and the rare end of the list. */
export function surnameTiers(): { common: typeof SURNAMES; middle: typeof SURNAMES; rare: typeof SURNAMES } {
  const sorted = [...SURNAMES].sort((a, b) => b.weight - a.weight);
  return { common: sorted.slice(0, 15), middle: sorted.slice(60, 90), rare: sorted.slice(-30) };
}


// ---------------------------------------------------------------- generation in worker threads

/** A batch of generated members as COPY text, made by a worker thread. */
export interface GeneratedBatch {
  members: number;
  rows: number;
  users: string;
  entries: string;
}

interface WorkerJob {
  directoryGenerator: true;
  size: number;
  batch: number;
  worker: number;
  workers: number;
}

/**
 * Members 0 .. size-1 as COPY text, generated by `workers` threads (batches in any order: the
 * rows do not depend on it). Each thread stays at most one batch ahead of the consumer.
 */
export async function* generatedBatches(size: number, batch: number, workers: number): AsyncGenerator<GeneratedBatch> {
  const queue: { batch: GeneratedBatch; ack: () => void }[] = [];
  let waiting: (() => void) | null = null;
  let running = workers;
  let failure: unknown = null;
  const wake = () => {
    const w = waiting;
    waiting = null;
    w?.();
  };
  const threads = Array.from({ length: workers }, (_, worker) => {
    const job: WorkerJob = { directoryGenerator: true, size, batch, worker, workers };
    // A worker thread does not inherit tsx's loader: it registers it, then loads this file.
    const bootstrap = `(async () => { (await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})).register(); await import(${JSON.stringify(import.meta.url)}); })();`;
    const thread = new Worker(bootstrap, { eval: true, workerData: job });
    thread.on('message', (message: GeneratedBatch | { done: true }) => {
      if ('done' in message) return;
      queue.push({ batch: message, ack: () => thread.postMessage('next') });
      wake();
    });
    thread.once('error', (err) => {
      failure = err;
      wake();
    });
    thread.once('exit', () => {
      running--;
      wake();
    });
    return thread;
  });
  try {
    for (;;) {
      if (failure) throw failure;
      const next = queue.shift();
      if (next) {
        yield next.batch;
        next.ack();
        continue;
      }
      if (running === 0) return;
      await new Promise<void>((resolve) => (waiting = resolve));
    }
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
}

function encode(from: number, count: number): GeneratedBatch {
  const b = generateBatch(from, count);
  return { members: b.users.length, rows: b.rows.length, users: `${b.users.map(userLine).join('\n')}\n`, entries: `${b.rows.map(directoryLine).join('\n')}\n` };
}

if (!isMainThread && (workerData as WorkerJob | undefined)?.directoryGenerator) {
  const job = workerData as WorkerJob;
  const port = parentPort!;
  let acked = Promise.resolve();
  let release: () => void = () => {};
  port.on('message', () => release());
  for (let from = job.worker * job.batch; from < job.size; from += job.batch * job.workers) {
    const made = encode(from, Math.min(job.batch, job.size - from));
    await acked;
    acked = new Promise<void>((resolve) => (release = resolve));
    port.postMessage(made);
  }
  await acked;
  port.postMessage({ done: true });
  port.close();
}
