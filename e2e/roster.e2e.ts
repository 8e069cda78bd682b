/**
 * The HR roster: a Shift_JIS leaver list from a Japanese Excel goes through upload →
 * preview with row errors → commit → import job → list, search and CSV export; columns
 * mapped by hand; the 403 page for other staff; the pages on a 360 px screen.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { Locator, Page, Response } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fmt, type Messages } from '../src/shared/i18n/index.ts';
import { EXPORT_HEADERS } from '../src/features/roster/roster.service.ts';
import { checkA11y, checkAndShoot, horizontalOverflow, navigation, pageErrors, readMail, shot, visit } from './harness.ts';
import { en, enrolTwoFactor, h1, htmlLang, ja, mailSubject, navLabels, OPERATOR, signIn, networkSuite, openAdmin } from './flows.ts';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
const FILE_NAME = '退職者リスト_2024年3月.csv';
const HEADERS = ['社員番号', '氏名', 'フリガナ', '部署', '入社日', '退職日', '再雇用可否', '個人メールアドレス', '連絡同意'];
/** A department cell with a comma and a line break, as Excel writes it (quoted, LF inside). */
const MULTILINE_DEPARTMENT = '営業部, 東日本営業所\n第一課';

type Row = [number: string, name: string, kana: string, department: string, joined: string, left: string, rehire: string, email: string, consent: string];

/**
 * 30 leavers. Names use the full-width space of Japanese HR exports; 髙 exists in CP932
 * (Windows-31J) only, not in plain Shift_JIS. Rows 0–2 join on 2023-04-01 written three ways.
 */
const ROWS: Row[] = [
  ['E0001', '佐藤\u3000健一', 'サトウ ケンイチ', '営業部', '2023/04/01', '2024/03/31', '可', 'kenichi.sato@example.com', '有'],
  ['E0002', '鈴木\u3000美咲', 'スズキ ミサキ', '人事部', '2023-4-1', '2024-9-30', '否', '', '無'],
  ['E0003', '高田\u3000翔', 'タカダ ショウ', MULTILINE_DEPARTMENT, '令和5年4月1日', '令和6年3月31日', '', 'sho.takada@example.com', '有'],
  ['E0004', '髙橋\u3000由美子', 'タカハシ ユミコ', '経理部', '2015/04/01', '2022/12/31', '可', 'yumiko.t@example.net', '有'],
  ['E0005', '田中\u3000大輔', 'タナカ ダイスケ', '開発部', '2012/04/01', '2021/06/30', '可', 'daisuke.tanaka@example.org', '有'],
  ['E0006', '伊藤\u3000さくら', 'イトウ サクラ', '開発部', '平成30年4月1日', '2023/01/31', '否', '', ''],
  ['E0007', '渡辺\u3000拓也', 'ワタナベ タクヤ', '製造部', '2008/10/01', '2020/03/31', '', 'takuya.w@example.com', '有'],
  ['E0008', '山本\u3000結衣', 'ヤマモト ユイ', '品質保証部', 'H28.4.1', '2022/08/31', '可', '', '無'],
  ['E0009', '中村\u3000陽斗', 'ナカムラ ハルト', '営業部', '2019/04/01', '2023/09/30', '可', 'haruto.n@example.jp', '有'],
  ['E0010', '小林\u3000愛', 'コバヤシ アイ', '総務部', '2018/04/01', '2023/2/30', '可', '', '有'],
  ['E0011', '加藤\u3000悠真', 'カトウ ユウマ', '開発部', '2016/07/01', '2023/11/30', '', '', ''],
  ['E0012', '吉田\u3000陽菜', 'ヨシダ ヒナ', '人事部', '20170401', '20230331', '可', 'hina.yoshida@example.com', '有'],
  ['E0013', '山田\u3000蓮', 'ヤマダ レン', '製造部', '2010/04/01', '2019/12/31', '否', '', '無'],
  ['E0014', '佐々木\u3000美月', 'ササキ ミヅキ', '経理部', '2014-04-01', '2022-03-31', '可', 'mizuki.sasaki@example.com', '有'],
  ['E0015', '山口\u3000颯太', 'ヤマグチ ソウタ', '営業部', '2020/10/01', '2024/01/31', '可', '', '有'],
  ['E0016', '松本\u3000凛', 'マツモト リン', '品質保証部', '2011/04/01', '2021/09/30', '', 'rin.matsumoto@example.com', '無'],
  ['E0017', '井上\u3000湊', 'イノウエ ミナト', '開発部', '2020/04/01', '2019/03/31', '可', '', '有'],
  ['E0018', '木村\u3000心春', 'キムラ コハル', '総務部', '2013/04/01', '2020/06/30', '否', '', ''],
  ['E0019', '林\u3000大和', 'ハヤシ ヤマト', '製造部', '2009/04/01', '2018/03/31', '可', 'yamato.h@example.com', '有'],
  ['E0020', '清水\u3000芽依', 'シミズ メイ', '人事部', '2017/10/01', '2023/05/31', '可', '', '有'],
  ['E0021', '山崎\u3000樹', 'ヤマザキ イツキ', '営業部', '2015/04/01', '2021/03/31', '', '', '無'],
  ['E0022', '森\u3000葵', 'モリ アオイ', '開発部', '2018/04/01', '2024/02/29', '可', 'aoi.mori@example.com', '有'],
  ['E0023', '池田\u3000蒼', 'イケダ アオ', '経理部', '2012/04/01', '2019/09/30', '否', '', ''],
  ['E0024', '橋本\u3000結菜', 'ハシモト ユナ', '営業部', '2016/04/01', '2022/10/31', '可', 'yuna.hashimoto@@example.com', '有'],
  ['E0025', '阿部\u3000悠人', 'アベ ユウト', '製造部', '2014/04/01', '2020/12/31', '可', '', '有'],
  ['E0026', '石川\u3000杏', 'イシカワ アン', '品質保証部', '2019/04/01', '2023/03/31', '', 'an.ishikawa@example.com', '有'],
  ['E0027', '山下\u3000湊斗', 'ヤマシタ ミナト', '総務部', '2010/10/01', '2021/12/31', '否', '', '無'],
  ['E0028', '中島\u3000紬', 'ナカジマ ツムギ', '人事部', '2017/04/01', '2022/06/30', '可', 'tsumugi.n@example.com', '有'],
  ['E0029', '前田\u3000律', 'マエダ リツ', '開発部', 'R2.4.1', '2024/03/31', '可', '', '有'],
  ['E0030', '藤田\u3000澪', 'フジタ ミオ', '営業部', '2013/04/01', '2020/09/30', '', 'mio.fujita@example.com', '無'],
];

/**
 * The rows that fail, with the file line each starts on (1 = the header). E0003's
 * department spans two lines, so every later row starts one line further down.
 */
const EXPECTED_ERRORS = (m: Messages) => [
  ['12', m.roster.fields.leftOn, m.roster.errors.impossibleDate, '2023/2/30'],
  ['19', m.roster.fields.leftOn, m.roster.errors.leaveBeforeJoin, '2019-03-31'],
  ['26', m.roster.fields.personalEmail, m.roster.errors.invalidEmail, 'yuna.hashimoto@@example.com'],
];
const FAILING = ['E0010', 'E0017', 'E0024'];
const VALID_COUNT = ROWS.length - FAILING.length;

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV as Japanese Excel saves it: CP932, CRLF between records, no BOM. */
function csvShiftJis(header: string[], rows: string[][]): Buffer {
  const text = [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
  const bytes = iconv.encode(text, 'cp932');
  // Sanity: the file really is not UTF-8 and survives the round trip (髙 included).
  expect(iconv.decode(bytes, 'cp932')).toBe(text);
  expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
  return bytes;
}

/** Cell texts of a table's body rows. */
function bodyCells(table: Locator): Promise<string[][]> {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
}

/** A `section.card` of the page by its heading. */
function section(page: Page, heading: string): Locator {
  return page.locator('main section.card', { has: page.locator('h2', { hasText: heading }) });
}

describe('HR roster import', () => {
  const suite = networkSuite();
  const { ready, freshPage } = suite;
  let operator: Page;
  let secret: string;
  beforeAll(() => ({ operator, secret } = suite.current()));
  /** The committed import's page, for the 360 px spec. */
  let doneUrl = '';

  /** Uploads a file on /admin/roster/import; ends on the preview page. */
  async function upload(page: Page, name: string, buffer: Buffer): Promise<void> {
    expect(new URL(page.url()).pathname).toBe('/admin/roster/import');
    await page.setInputFiles('#f-file', { name, mimeType: 'text/csv', buffer });
    expect(await navigation(page, () => page.click('form[action="/admin/roster/import"] button[type="submit"]'))).toBe(200);
    expect(new URL(page.url()).pathname).toMatch(/^\/admin\/roster\/imports\/[0-9a-f-]{36}$/);
  }

  async function expectNoSideScroll(page: Page): Promise<void> {
    const o = await horizontalOverflow(page);
    expect(o.scrollWidth, `${page.url()} scrolls sideways (${o.scrollWidth} px; wide: ${o.widest.join(', ')})`).toBeLessThanOrEqual(360 + 1);
  }

  test('[ROSTER][IMPORT] operator imports a Shift_JIS leaver list', async () => {
    ready();
    const page = operator;
    const r = ja.roster;
    await openAdmin(page, '/admin/roster');
    expect(await h1(page)).toBe(r.title);
    expect(await page.locator('nav.site-nav a[aria-current="page"]').textContent()).toBe(ja.nav.admin);
    expect(await page.locator('main [role="status"]').textContent()).toBe(fmt(r.count, { count: '0' }));
    expect(await page.locator('main').textContent()).toContain(r.empty);
    await checkA11y(page, 'roster-empty-ja');

    await navigation(page, () => page.click('main a[href="/admin/roster/import"]'));
    expect(await h1(page)).toBe(r.importTitle);
    await checkA11y(page, 'roster-upload-ja');
    const bytes = csvShiftJis(HEADERS, ROWS);
    await upload(page, FILE_NAME, bytes);
    const previewUrl = page.url();

    // Preview: counts, encoding, the row errors with their lines, the first valid rows.
    expect(await h1(page)).toBe(fmt(r.previewTitle, { file: FILE_NAME }));
    expect(await page.locator('main p.lead[role="status"]').textContent()).toBe(
      fmt(r.summary, { total: String(ROWS.length), encoding: 'Shift_JIS', valid: String(VALID_COUNT), errors: String(FAILING.length) }),
    );
    expect(await bodyCells(section(page, r.errorsTitle).locator('table'))).toEqual(EXPECTED_ERRORS(ja));
    expect(await page.locator('main .notice--warning').count(), 'no "map the columns" warning').toBe(0);
    const sample = await bodyCells(section(page, r.sampleTitle).locator('table'));
    expect(sample).toHaveLength(5);
    expect(sample.slice(0, 4)).toEqual([
      ['E0001', '佐藤 健一', 'サトウ ケンイチ', '営業部', '2023-04-01', '2024-03-31'],
      ['E0002', '鈴木 美咲', 'スズキ ミサキ', '人事部', '2023-04-01', '2024-09-30'],
      ['E0003', '高田 翔', 'タカダ ショウ', MULTILINE_DEPARTMENT, '2023-04-01', '2024-03-31'],
      ['E0004', '髙橋 由美子', 'タカハシ ユミコ', '経理部', '2015-04-01', '2022-12-31'],
    ]);
    // Every recognised header is mapped to its field.
    const mapped = await page.locator('main form[action$="/mapping"] select').evaluateAll((ss) => ss.map((s) => (s as HTMLSelectElement).value));
    expect(mapped).toEqual(['employeeNumber', 'name', 'nameKana', 'department', 'joinedOn', 'leftOn', 'rehireEligible', 'personalEmail', 'contactConsent']);
    const commit = page.locator('main form[action$="/commit"] button[type="submit"]');
    expect(((await commit.textContent()) ?? '').trim()).toBe(fmt(r.commit, { count: String(VALID_COUNT) }));
    await checkAndShoot(page, 'roster-preview-ja');

    // The same preview in English.
    await visit(page, `${previewUrl}?lang=en`);
    expect(await htmlLang(page)).toBe('en');
    expect(await h1(page)).toBe(fmt(en.roster.previewTitle, { file: FILE_NAME }));
    expect(await page.locator('main p.lead[role="status"]').textContent()).toBe(
      fmt(en.roster.summary, { total: String(ROWS.length), encoding: 'Shift_JIS', valid: String(VALID_COUNT), errors: String(FAILING.length) }),
    );
    expect(await bodyCells(section(page, en.roster.errorsTitle).locator('table'))).toEqual(EXPECTED_ERRORS(en));
    await checkAndShoot(page, 'roster-preview-en');
    await visit(page, `${previewUrl}?lang=ja`);
    expect(await htmlLang(page)).toBe('ja');

    // Commit: the job page refreshes itself (Refresh: 2) until the import is done.
    const importPages: { refresh: string | undefined; progress: boolean }[] = [];
    const onResponse = (res: Response) => {
      if (res.request().isNavigationRequest() && res.url().startsWith(previewUrl) && res.status() === 200) {
        importPages.push({ refresh: res.headers()['refresh'], progress: false });
      }
    };
    page.on('response', onResponse);
    expect(await navigation(page, () => commit.click())).toBe(200);
    expect(page.url()).toBe(previewUrl);
    if ((await h1(page)) === fmt(r.progressTitle, { file: FILE_NAME })) {
      importPages[importPages.length - 1]!.progress = true;
      expect(await page.locator('main progress').count()).toBe(1);
      expect(await page.locator('main').textContent()).toContain(r.progressRefresh);
      await checkA11y(page, 'roster-progress-ja');
    }
    await page.locator('main h1', { hasText: r.doneTitle }).waitFor({ timeout: 30_000 });
    page.off('response', onResponse);
    // Every page that showed progress asked to be refreshed; the finished one does not.
    for (const p of importPages.slice(0, -1)) expect(p.refresh).toBe('2');
    expect(importPages.at(-1)?.refresh).toBeUndefined();
    expect(await page.locator('main .notice[role="status"]').textContent()).toBe(fmt(r.doneSummary, { inserted: VALID_COUNT, updated: 0, unchanged: 0 }));
    await checkAndShoot(page, 'roster-progress-or-done-ja');
    doneUrl = page.url();

    // The roster lists the people, sorted by reading; the failing rows are not there.
    await navigation(page, () => page.click(`main a[href="/admin/roster"]`));
    expect(await h1(page)).toBe(r.title);
    expect(await page.locator('main [role="status"]').textContent()).toBe(fmt(r.count, { count: String(VALID_COUNT) }));
    const list = await bodyCells(page.locator('main table'));
    expect(list).toHaveLength(VALID_COUNT);
    const numbers = list.map((row) => row[0]);
    for (const n of FAILING) expect(numbers).not.toContain(n);
    expect(list.find((row) => row[0] === 'E0003')).toEqual(['E0003', '高田 翔タカダ ショウ', MULTILINE_DEPARTMENT, '2023-04-01', '2024-03-31', r.rehire.unknown, ja.common.yes]);
    expect(list.find((row) => row[0] === 'E0002')).toEqual(['E0002', '鈴木 美咲スズキ ミサキ', '人事部', '2023-04-01', '2024-09-30', r.rehire.no, ja.common.no]);
    await checkAndShoot(page, 'roster-list-ja');

    // Search by reading (kana).
    await page.fill('#q', 'タカハシ');
    await navigation(page, () => page.click('main form[role="search"] button[type="submit"]'));
    expect(new URL(page.url()).searchParams.get('q')).toBe('タカハシ');
    expect(await bodyCells(page.locator('main table'))).toEqual([['E0004', '髙橋 由美子タカハシ ユミコ', '経理部', '2015-04-01', '2022-12-31', r.rehire.yes, ja.common.yes]]);
    await checkA11y(page, 'roster-search-ja');
    await visit(page, '/admin/roster?q=E0010');
    expect(await page.locator('main table').count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain(r.empty);

    // The list in English.
    await visit(page, '/admin/roster?lang=en');
    expect(await h1(page)).toBe(en.roster.title);
    expect(await page.locator('main [role="status"]').textContent()).toBe(fmt(en.roster.count, { count: String(VALID_COUNT) }));
    await checkA11y(page, 'roster-list-en');
    await visit(page, '/admin/roster?lang=ja');

    // Export: a download of UTF-8 CSV with a BOM (for Excel), holding the imported rows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('main a[href="/admin/roster/export.csv"]')]);
    expect(download.suggestedFilename()).toMatch(/^roster-\d{4}-\d{2}-\d{2}\.csv$/);
    const exported = fs.readFileSync(await download.path());
    expect([...exported.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = exported.subarray(3).toString('utf8');
    expect(text.startsWith(`${EXPORT_HEADERS.join(',')}\r\n`)).toBe(true);
    expect(text).toContain('\r\nE0004,髙橋 由美子,タカハシ ユミコ,');
    const records = parse(text) as string[][];
    expect(records).toHaveLength(1 + VALID_COUNT);
    const cell = (number: string, header: string) => records.find((row) => row[0] === number)?.[EXPORT_HEADERS.indexOf(header)];
    expect(cell('E0004', '入社日')).toBe('2015-04-01');
    expect(cell('E0004', '個人メールアドレス')).toBe('yumiko.t@example.net');
    expect(cell('E0004', '再雇用可否')).toBe('可');
    expect(cell('E0003', '部署')).toBe(MULTILINE_DEPARTMENT);
    expect(records.some((row) => FAILING.includes(row[0]!))).toBe(false);
    expect(pageErrors(page)).toEqual([]);
  });

  test('[ROSTER][MAPPING] operator maps unrecognised columns by hand', async () => {
    ready();
    const page = operator;
    const r = ja.roster;
    await visit(page, '/admin/roster/import');
    const rows = [
      ['2001', '青木\u3000一郎', '東京'],
      ['2002', '岡田\u3000花', '大阪'],
      ['2003', '西村\u3000誠', '福岡'],
    ];
    await upload(page, 'hand-made.csv', csvShiftJis(['番号', 'なまえ', '勤務地'], rows));
    expect(await page.locator('main p.lead[role="status"]').textContent()).toBe(fmt(r.summary, { total: '3', encoding: 'Shift_JIS', valid: '0', errors: '3' }));
    // Nothing recognised: every row lacks the required fields, and there is nothing to commit.
    const errors = await bodyCells(section(page, r.errorsTitle).locator('table'));
    expect(errors).toContainEqual(['2', r.fields.employeeNumber, r.errors.required, '']);
    expect(errors).toContainEqual(['4', r.fields.name, r.errors.required, '']);
    expect(await page.locator('main form[action$="/commit"]').count()).toBe(0);
    // …and the page says why.
    expect(await page.locator('main .notice--warning').textContent()).toBe(r.mappingMissing);
    await checkAndShoot(page, 'roster-mapping-ja');

    // Each select is labelled by its column's header.
    await page.getByLabel('番号', { exact: true }).selectOption('employeeNumber');
    await page.getByLabel('なまえ', { exact: true }).selectOption('name');
    expect(await page.locator('#col-2').inputValue()).toBe('');
    expect(await navigation(page, () => page.click('main form[action$="/mapping"] button[type="submit"]'))).toBe(200);
    expect(await page.locator('main p.lead[role="status"]').textContent()).toBe(fmt(r.summary, { total: '3', encoding: 'Shift_JIS', valid: '3', errors: '0' }));
    expect(await page.locator('#col-0').inputValue()).toBe('employeeNumber');
    expect(await page.locator('#col-1').inputValue()).toBe('name');
    expect(await section(page, r.errorsTitle).count()).toBe(0);
    expect(await page.locator('main .notice--warning').count()).toBe(0);
    expect(await bodyCells(section(page, r.sampleTitle).locator('table'))).toEqual([
      ['2001', '青木 一郎', '—', '—', '—', '—'],
      ['2002', '岡田 花', '—', '—', '—', '—'],
      ['2003', '西村 誠', '—', '—', '—', '—'],
    ]);
    const commit = page.locator('main form[action$="/commit"] button[type="submit"]');
    expect(((await commit.textContent()) ?? '').trim()).toBe(fmt(r.commit, { count: '3' }));
    await checkAndShoot(page, 'roster-mapped-ja');
    expect(pageErrors(page)).toEqual([]);
  });

  test('[ROSTER][ACCESS] a community manager and an employee get the 403 page in their language', async () => {
    ready();
    const staff = [
      { role: 'community_manager', locale: 'ja', name: '小川 直子', nameKana: 'おがわ なおこ', email: 'naoko.ogawa@example.jp', password: 'community-manager-2024' },
      { role: 'employee', locale: 'en', name: '村上 健', nameKana: 'むらかみ けん', email: 'ken.murakami@example.jp', password: 'employee-password-2024' },
    ] as const;
    for (const person of staff) {
      await visit(operator, '/admin/people');
      const invite = operator.locator('form[action="/admin/people/invite"]');
      await invite.locator('input[name="email"]').fill(person.email);
      await invite.locator('select[name="role"]').selectOption(person.role);
      await invite.locator('select[name="locale"]').selectOption(person.locale);
      expect(await navigation(operator, () => invite.locator('button[type="submit"]').click())).toBe(200);
      const m = person.locale === 'ja' ? ja : en;
      const mail = await readMail(person.email, mailSubject(person.locale, 'staffInvitation', { role: m.roles[person.role] }));

      const page = await freshPage();
      expect(await visit(page, mail.link!)).toBe(200);
      await page.fill('#f-name', person.name);
      await page.fill('#f-nameKana', person.nameKana);
      await page.fill('#f-password', person.password);
      await page.fill('#f-passwordConfirm', person.password);
      await navigation(page, () => page.click('form[action="/invite/staff"] button[type="submit"]'));
      // Community managers turn on two-factor first; without it they would be sent there, not refused.
      if (person.role === 'community_manager') await enrolTwoFactor(page, person.password);
      expect(new URL(page.url()).pathname).toBe('/');
      // Community managers have an administration hub, without the roster; employees have none.
      if (person.role === 'community_manager') {
        expect(await visit(page, '/admin')).toBe(200);
        expect(await page.locator('main .admin-hub a[href="/admin/signups"]').count()).toBe(1);
        expect(await page.locator('main a[href="/admin/roster"]').count()).toBe(0);
      } else {
        expect(await navLabels(page)).not.toContain(m.nav.admin);
      }

      expect(await visit(page, '/admin/roster')).toBe(403);
      expect(await htmlLang(page)).toBe(person.locale);
      expect(await h1(page)).toBe(m.errors.title);
      expect(await page.locator('main .error-message').textContent()).toBe(m.errors.FORBIDDEN);
      expect(await page.locator('main').textContent()).not.toContain(m.roster.title);
      await checkAndShoot(page, `roster-403-${person.locale}`);
      // Nor the other roster pages and the export.
      expect(await visit(page, '/admin/roster/import')).toBe(403);
      const exported = await page.request.get('/admin/roster/export.csv', { maxRedirects: 0 });
      expect(exported.status()).toBe(403);
      expect(exported.headers()['content-type']).not.toContain('text/csv');
      expect(pageErrors(page)).toEqual([]);
    }
  });

  test('[ROSTER][MOBILE] roster pages fit a 360 px screen; tables scroll inside their wrapper', async () => {
    ready();
    expect(doneUrl, 'the import spec must have run').not.toBe('');
    const page = await freshPage(PHONE);
    await signIn(page, OPERATOR.email, OPERATOR.password, secret);
    expect(new URL(page.url()).pathname).toBe('/');

    await visit(page, '/admin/roster');
    expect(await h1(page)).toBe(ja.roster.title);
    await expectNoSideScroll(page);
    const wrap = page.locator('main .table-wrap');
    const box = await wrap.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, tabIndex: (el as HTMLElement).tabIndex, role: el.getAttribute('role') }));
    expect(box.client).toBeLessThanOrEqual(360);
    expect(box).toMatchObject({ tabIndex: 0, role: 'region' });
    await checkAndShoot(page, 'roster-360-ja');
    if (box.scroll > box.client) {
      await wrap.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
      await shot(page, 'roster-360-scrolled-ja');
    }

    await visit(page, '/admin/roster/import');
    await expectNoSideScroll(page);
    await checkAndShoot(page, 'roster-upload-360-ja');
    await upload(page, FILE_NAME, csvShiftJis(HEADERS, ROWS));
    expect(await bodyCells(section(page, ja.roster.errorsTitle).locator('table'))).toEqual(EXPECTED_ERRORS(ja));
    await expectNoSideScroll(page);
    await checkAndShoot(page, 'roster-preview-360-ja');

    await visit(page, doneUrl);
    expect(await h1(page)).toBe(ja.roster.doneTitle);
    await expectNoSideScroll(page);
    await checkA11y(page, 'roster-done-360-ja');
    expect(pageErrors(page)).toEqual([]);
  });
});
