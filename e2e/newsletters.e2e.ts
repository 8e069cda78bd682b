/**
 * Newsletters in a real browser (issue 5): three alumni join (roster import → invitation
 * wave), each with their own mix of "newsletter, please" and "I want information"; the
 * operator builds a segment with the no-JavaScript count button, publishes a post, fills in
 * the sender details 特定電子メール法 asks for, writes a newsletter in Japanese and English,
 * previews it per language and per recipient, schedules it for the next minute and follows
 * the progress page with JavaScript off until it is sent. The one alumnus in segment ∩
 * opted in gets exactly one message; its unsubscribe link shows a confirmation on GET (still
 * subscribed) and unsubscribes on the button's POST. Pages pass axe and are photographed in
 * /tmp/shots-newsletters; compose and progress do not scroll sideways on a 375 px phone.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fmt } from '../src/shared/i18n/index.ts';
import { parseMessage } from '../src/shared/mail/testing.ts';
import { checkA11y, horizontalOverflow, navigation, pageErrors, readMail, visit } from './harness.ts';
import { en, h1, ja, NETWORK, networkSuite } from './flows.ts';

const SHOTS = '/tmp/shots-newsletters';
const PHONE = { viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
const HEADERS = ['社員番号', '氏名', 'フリガナ', '部署', '入社日', '退職日', '再雇用可否', '個人メールアドレス', '連絡同意'];
const DEPARTMENT = '経営企画部';

/** In the segment and opted in: the one recipient. */
const READER = { number: 'L3001', name: '石井 美咲', kana: 'イシイ ミサキ', email: 'misaki.ishii@example.org', password: 'misaki-ishii-2024', newsletter: true, information: true };
/** Opted in, but wants no information: outside the segment. */
const BYSTANDER = { number: 'L3002', name: '岡田 健', kana: 'オカダ ケン', email: 'ken.okada@example.net', password: 'ken-okada-2024', newsletter: true, information: false };
/** In the segment, but never asked for the newsletter. */
const QUIET = { number: 'L3003', name: '森 直樹', kana: 'モリ ナオキ', email: 'naoki.mori@example.com', password: 'naoki-mori-2024', newsletter: false, information: true };
const ALUMNI = [READER, BYSTANDER, QUIET];

const SEGMENT = { name: '情報収集を希望するアルムナイ', description: 'メルマガの配信先(ブラウザテスト)' };
const POST = {
  titleJa: '2025年度 事業方針説明会のご報告',
  bodyJa: '## 概要\n\n社長から**新しい中期経営計画**を説明しました。\n\n- 海外拠点の拡大\n- アルムナイとの協業',
  titleEn: 'Report: the 2025 business policy briefing',
  bodyEn: '## Summary\n\nThe president presented the **new mid-term plan**.\n\n- More sites abroad\n- Working with alumni',
};
const NEWSLETTER = {
  subjectJa: '東邦精機アルムナイ通信 2025年春号',
  introJa: '皆さま、いかがお過ごしでしょうか。\n\n今号では**事業方針説明会**の内容をお届けします。',
  subjectEn: 'Toho Seiki Alumni News, spring 2025',
  introEn: 'We hope you are well.\n\nThis issue brings you the **business policy briefing**.',
};
const SENDER = { name: '東邦精機株式会社 人事部 アルムナイ担当', postalAddress: '〒100-0005\n東京都千代田区丸の内1-1-1 東邦ビル 12階', contact: 'alumni@toho-seiki.example.jp / 03-1234-5678' };

const NL = ja.newsletters;
const D = NL.detail;

function csvUtf8(rows: string[][]): Buffer {
  return Buffer.from([HEADERS, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n', 'utf8');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function mainText(page: Page): Promise<string> {
  return (await page.locator('main').textContent()) ?? '';
}

/** axe (no serious or critical violations) and a full-page PNG in /tmp/shots-newsletters. */
async function checkAndShoot(page: Page, name: string): Promise<void> {
  await checkA11y(page, name);
  await shoot(page, name);
}

async function shoot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function expectNoSideScroll(page: Page, width: number): Promise<void> {
  const o = await horizontalOverflow(page);
  expect(o.scrollWidth, `${page.url()} scrolls sideways (${o.scrollWidth} px; wide: ${o.widest.join(', ')})`).toBeLessThanOrEqual(width + 1);
}

/** The newsletter's state as the detail page says it ("状態: 送信完了 · 配信対象: …"). */
async function stateOf(page: Page): Promise<string> {
  return (await page.locator('main p', { has: page.locator('strong', { hasText: NL.colState }) }).first().textContent()) ?? '';
}

/** The figure next to a label in the progress list. */
async function figure(page: Page, label: string): Promise<string> {
  return ((await page.locator('#progress dl.stats div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd').textContent()) ?? '').trim();
}

/** "2025-04-01T09:31": the next whole minute in Tokyo at least 20 s away (the form's datetime-local value). */
function nextMinuteInTokyo(now = Date.now()): { local: string; at: number } {
  const at = Math.ceil((now + 20_000) / 60_000) * 60_000;
  return { local: new Date(at + 9 * 3_600_000).toISOString().slice(0, 16), at };
}

/** Every message in the outbox whose subject is `subject`, with its recipient. */
function outboxMessages(outboxDir: string, subject: string): { to: string; cc?: string | undefined; bcc?: string | undefined }[] {
  const files = fs.existsSync(outboxDir) ? fs.readdirSync(outboxDir).filter((f) => f.endsWith('.eml')) : [];
  return files
    .map((f) => parseMessage(fs.readFileSync(path.join(outboxDir, f), 'utf8')))
    .filter((msg) => msg.header('subject') === subject)
    .map((msg) => ({ to: msg.header('to') ?? '', cc: msg.header('cc'), bcc: msg.header('bcc') }));
}

describe('newsletters', () => {
  const suite = networkSuite();
  const { ready, freshPage } = suite;
  let operator: Page;
  beforeAll(() => ({ operator } = suite.current()));

  /** Where the newsletter lives once saved, and its example recipient's id. */
  let detailPath = '';

  /** An alumnus joins from the invitation e-mail (ticking the newsletter or not), then says what they want. */
  async function join(person: (typeof ALUMNI)[number]): Promise<void> {
    const mail = await readMail(person.email, fmt(ja.mail.invitation.subject, { network: NETWORK.nameJa }));
    const page = await freshPage();
    expect(await visit(page, mail.link!)).toBe(200);
    await page.fill('#f-password', person.password);
    await page.fill('#f-passwordConfirm', person.password);
    for (const id of ['#f-consentPurpose', '#f-consentRules', '#f-consentContact']) await page.check(id);
    if (person.newsletter) await page.check('#f-pref-newsletter');
    expect(await page.isChecked('#f-pref-newsletter')).toBe(person.newsletter);
    expect(await navigation(page, () => page.click('form[action="/join"] button[type="submit"]'))).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/');
    if (!person.information) return;
    expect(await visit(page, '/profile/edit')).toBe(200);
    const form = page.locator('main form.profile-form');
    await form.getByLabel(ja.profiles.wants.information, { exact: true }).check();
    expect(await navigation(page, () => form.locator('button[type="submit"]').click())).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/profile');
  }

  test('[NEWSLETTERS][SETUP] three alumni join: two ask for the newsletter, two want information', async () => {
    ready();
    await visit(operator, '/admin/roster/import');
    const rows = ALUMNI.map((a) => [a.number, a.name.replace(' ', '\u3000'), a.kana, DEPARTMENT, '2010/04/01', '2020/03/31', '可', a.email, '有']);
    await operator.setInputFiles('#f-file', { name: 'leavers.csv', mimeType: 'text/csv', buffer: csvUtf8(rows) });
    expect(await navigation(operator, () => operator.click('form[action="/admin/roster/import"] button[type="submit"]'))).toBe(200);
    await navigation(operator, () => operator.click('main form[action$="/commit"] button[type="submit"]'));
    await operator.locator('main h1', { hasText: ja.roster.doneTitle }).waitFor({ timeout: 30_000 });
    await visit(operator, '/admin/invitations/new');
    await operator.getByLabel(DEPARTMENT, { exact: true }).check();
    await operator.check('input[name="basis"][value="consent_import"]');
    expect(await navigation(operator, () => operator.click('form[action="/admin/invitations/new"] button[type="submit"]'))).toBe(200);
    const preview = operator.locator('main section[aria-labelledby="preview-title"]');
    await preview.locator('#f-name').fill(`${DEPARTMENT} OB・OG`);
    await preview.locator('#f-locale').selectOption('ja');
    expect(await navigation(operator, () => preview.locator('button[type="submit"]').click())).toBe(200);

    await Promise.all(ALUMNI.map((a) => join(a)));
  });

  test('[SEGMENTS] the operator builds a segment, counts it with the no-JavaScript button, saves it', async () => {
    ready();
    expect(await visit(operator, '/admin/segments/new')).toBe(200);
    expect(await h1(operator)).toBe(ja.segments.create);
    expect(await operator.locator('#segment-count').textContent()).toContain(ja.segments.countHint);
    await checkAndShoot(operator, 'segment-editor-new');

    let form = operator.locator('main form.segment-form');
    await form.locator('#f-name').fill(SEGMENT.name);
    await form.locator('#f-description').fill(SEGMENT.description);
    await form.getByLabel(ja.roles.alumnus, { exact: true }).check();
    // Alumni only: an exact count (the three who joined).
    expect(await navigation(operator, () => form.locator('button[name="intent"][value="count"]').click())).toBe(200);
    expect(await operator.locator('#segment-count').textContent()).toContain(fmt(ja.segments.countLabel, { count: '3' }));
    expect(await h1(operator)).toBe(ja.segments.create);

    // Plus "information": what members state for matching only, so a small count is rounded.
    form = operator.locator('main form.segment-form');
    expect(await form.locator('#f-name').inputValue(), 'the form keeps what was typed').toBe(SEGMENT.name);
    expect(await form.getByLabel(ja.roles.alumnus, { exact: true }).isChecked()).toBe(true);
    await form.getByLabel(ja.profiles.wants.information, { exact: true }).check();
    expect(await navigation(operator, () => form.locator('button[name="intent"][value="count"]').click())).toBe(200);
    expect(await operator.locator('#segment-count').textContent()).toContain(fmt(ja.segments.countFewer, { n: '5' }));
    await checkAndShoot(operator, 'segment-editor-counted');

    form = operator.locator('main form.segment-form');
    expect(await navigation(operator, () => form.locator('button[name="intent"][value="save"]').click())).toBe(200);
    expect(new URL(operator.url()).pathname).toMatch(/^\/admin\/segments\/[0-9a-f-]{36}$/);
    expect(await mainText(operator)).toContain(ja.segments.saved);
    expect(await operator.locator('main form.segment-form').getByLabel(ja.profiles.wants.information, { exact: true }).isChecked()).toBe(true);
    await visit(operator, '/admin/segments');
    expect(await operator.locator('main table').textContent()).toContain(SEGMENT.name);
  });

  test('[NEWSLETTERS][POST] the operator publishes a post in Japanese and English for alumni', async () => {
    ready();
    expect(await visit(operator, '/admin/news/new')).toBe(200);
    const form = operator.locator('main form[action="/admin/news/new"]');
    await form.locator('#f-titleJa').fill(POST.titleJa);
    await form.locator('#f-bodyJa').fill(POST.bodyJa);
    await form.locator('#f-titleEn').fill(POST.titleEn);
    await form.locator('#f-bodyEn').fill(POST.bodyEn);
    await form.locator('#f-category').selectOption('strategy');
    await form.getByLabel(ja.news.audiences.alumni, { exact: true }).check();
    expect(await navigation(operator, () => form.locator('button[value="publish"]').click())).toBe(200);
    expect(new URL(operator.url()).pathname).toBe('/admin/news');
    expect(await mainText(operator)).toContain(POST.titleJa);
  });

  test('[NEWSLETTERS][SEND] sender details, compose in two languages, preview, schedule, progress without JavaScript', { timeout: 300_000 }, async () => {
    ready();
    const { server } = suite.current();
    // The sender details 特定電子メール法 requires in every message's footer.
    expect(await visit(operator, '/admin/newsletters')).toBe(200);
    expect(await navigation(operator, () => operator.getByRole('link', { name: NL.senderSettings, exact: true }).click())).toBe(200);
    expect(new URL(operator.url()).pathname).toBe('/admin/newsletters/sender');
    await operator.fill('#f-senderName', SENDER.name);
    await operator.fill('#f-senderPostalAddress', SENDER.postalAddress);
    await operator.fill('#f-senderContact', SENDER.contact);
    await checkAndShoot(operator, 'newsletter-sender');
    expect(await navigation(operator, () => operator.click('main form[action="/admin/newsletters/sender"] button[type="submit"]'))).toBe(200);
    expect(new URL(operator.url()).pathname).toBe('/admin/newsletters');
    expect(await mainText(operator)).toContain(NL.sender.saved);
    await checkAndShoot(operator, 'newsletter-list-empty');

    // Compose: both languages, the post, the segment.
    expect(await navigation(operator, () => operator.getByRole('link', { name: NL.newNewsletter, exact: true }).click())).toBe(200);
    expect(await h1(operator)).toBe(NL.compose.newTitle);
    const form = operator.locator('main form[action="/admin/newsletters"]');
    await form.locator('#f-subject_ja').fill(NEWSLETTER.subjectJa);
    await form.locator('#f-intro_ja').fill(NEWSLETTER.introJa);
    await form.locator('#f-subject_en').fill(NEWSLETTER.subjectEn);
    await form.locator('#f-intro_en').fill(NEWSLETTER.introEn);
    await form.getByLabel(POST.titleJa, { exact: true }).check();
    await form.locator('#f-segment').selectOption({ label: SEGMENT.name });
    await checkAndShoot(operator, 'newsletter-compose');
    expect(await navigation(operator, () => form.locator('button[type="submit"]').click())).toBe(200);
    detailPath = new URL(operator.url()).pathname;
    expect(detailPath).toMatch(/^\/admin\/newsletters\/[0-9a-f-]{36}$/);
    expect(await h1(operator)).toBe(NEWSLETTER.subjectJa);
    const saved = await mainText(operator);
    expect(saved).toContain(NL.compose.saved);
    expect(saved).toContain(SEGMENT.name);
    // Segment ∩ opted in: the reader only (the bystander is outside the segment, the quiet one never opted in).
    expect(saved).toContain(fmt(D.recipientsNow, { count: 1 }));

    // Preview in English as the reader (her own name), then in Japanese.
    const previewForm = operator.locator('section[aria-labelledby="preview-title"] form[method="get"]');
    await previewForm.locator('#f-previewLang').selectOption('en');
    await previewForm.locator('#f-as').selectOption({ label: `${READER.name} (ja)` });
    expect(await navigation(operator, () => previewForm.locator('button[type="submit"]').click())).toBe(200);
    let preview = operator.locator('.newsletter-preview');
    // Previewing in English changes the message, not the operator's own page language.
    expect(await operator.locator('html').getAttribute('lang')).toBe('ja');
    expect(await preview.textContent()).toContain(NEWSLETTER.subjectEn);
    expect(await preview.locator('.card[lang="en"]').first().textContent()).toContain(fmt(en.newsletters.mail.greeting, { name: READER.name }));
    expect(await preview.locator('.card[lang="en"]').first().textContent()).toContain(POST.titleEn);
    await checkAndShoot(operator, 'newsletter-preview-en');
    await previewForm.locator('#f-previewLang').selectOption('ja');
    expect(await navigation(operator, () => previewForm.locator('button[type="submit"]').click())).toBe(200);
    preview = operator.locator('.newsletter-preview');
    expect(await preview.textContent()).toContain(fmt(D.previewSubject, { subject: NEWSLETTER.subjectJa }));
    const htmlPart = (await preview.locator('.card[lang="ja"]').first().textContent()) ?? '';
    expect(htmlPart).toContain(fmt(ja.newsletters.mail.greeting, { name: READER.name }));
    expect(htmlPart).toContain(POST.titleJa);
    expect(htmlPart).toContain(SENDER.name);
    await checkAndShoot(operator, 'newsletter-preview-ja');

    // Schedule for the next whole minute (Tokyo time, the network's zone).
    const when = nextMinuteInTokyo();
    const schedule = operator.locator(`main form[action="${detailPath}/schedule"]`);
    await schedule.locator('#f-at').fill(when.local);
    expect(await navigation(operator, () => schedule.locator('button[type="submit"]').click())).toBe(200);
    expect(new URL(operator.url()).pathname).toBe(detailPath);
    expect(await mainText(operator)).toContain(D.scheduled);
    expect(await stateOf(operator)).toContain(NL.states.scheduled);

    // Without JavaScript, the operator presses "refresh" until it is sent (bounded wait).
    const noJs = await freshPage({ javaScriptEnabled: false, storageState: await operator.context().storageState() });
    expect(await visit(noJs, detailPath)).toBe(200);
    const deadline = Math.max(when.at, Date.now()) + 120_000;
    const states: string[] = [];
    for (;;) {
      const state = await stateOf(noJs);
      if (states.at(-1) !== state) states.push(state);
      if (state.includes(NL.states.sent)) break;
      if (Date.now() > deadline) throw new Error(`the newsletter was not sent in time; states seen: ${states.join(' → ')}\n${server.log()}`);
      await sleep(2_000);
      // Scheduled: no progress section yet, so no refresh link; the page is simply loaded again.
      const refresh = noJs.getByRole('link', { name: D.refresh, exact: true });
      if ((await refresh.count()) > 0) expect(await navigation(noJs, () => refresh.click())).toBe(200);
      else expect(await visit(noJs, detailPath)).toBe(200);
    }
    expect(await figure(noJs, D.total)).toBe('1');
    expect(await figure(noJs, D.sent)).toBe('1');
    expect(await figure(noJs, D.failed)).toBe('0');
    expect(await figure(noJs, D.remaining)).toBe('0');
    expect(await mainText(noJs)).toContain(fmt(D.finishedAt, { at: '' }).trim());
    // "Refresh" loads the page again without JavaScript (a link differing only by its #fragment would just scroll).
    const refresh = noJs.getByRole('link', { name: D.refresh, exact: true });
    expect(await navigation(noJs, () => refresh.click())).toBe(200);
    await checkAndShoot(noJs, 'newsletter-progress-done');

    expect(await visit(operator, '/admin/newsletters')).toBe(200);
    const row = operator.locator('main tbody tr', { hasText: NEWSLETTER.subjectJa });
    expect(await row.textContent()).toContain(NL.states.sent);
    expect(await row.textContent()).toContain(fmt(NL.progressShort, { sent: 1, total: 1 }));
    await checkAndShoot(operator, 'newsletter-list');
    expect(pageErrors(operator)).toEqual([]);
  });

  test('[NEWSLETTERS][UNSUBSCRIBE] one message to the one recipient; its link asks on GET and unsubscribes on the button', async () => {
    ready();
    expect(detailPath, 'the send test ran').not.toBe('');
    const { server } = suite.current();
    const mail = await readMail(READER.email, NEWSLETTER.subjectJa);
    // Exactly one message, to her alone; nobody outside segment ∩ opted in.
    const sent = outboxMessages(server.outboxDir, NEWSLETTER.subjectJa);
    expect(sent.map((s) => s.to)).toEqual([READER.email]);
    expect(sent[0]!.cc).toBeUndefined();
    expect(sent[0]!.bcc).toBeUndefined();
    // In her language, with her name, the post and the footer 特定電子メール法 requires.
    expect(mail.text).toContain(fmt(ja.newsletters.mail.greeting, { name: READER.name }));
    expect(mail.text).toContain(POST.titleJa);
    expect(mail.text).toContain(SENDER.name);
    expect(mail.text).toContain(SENDER.contact);
    expect(mail.text).toContain('東京都千代田区丸の内1-1-1');
    expect(mail.html).toContain('<html lang="ja">');
    const raw = parseMessage(fs.readFileSync(mail.file, 'utf8'));
    const header = raw.header('list-unsubscribe') ?? '';
    expect(raw.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const link = new RegExp(`${server.baseUrl.replace(/[.]/g, '\\.')}/u/[A-Za-z0-9_.~-]+(?=\\s|$)`).exec(mail.text)?.[0];
    expect(link, `an unsubscribe link in:\n${mail.text}`).toBeTruthy();
    expect(header).toBe(`<${link}>`);

    // The operator's view of who would get a newsletter now: a second draft to the same segment.
    expect(await visit(operator, '/admin/newsletters/new')).toBe(200);
    const form = operator.locator('main form[action="/admin/newsletters"]');
    await form.locator('#f-subject_ja').fill('配信対象の確認');
    await form.locator('#f-intro_ja').fill('確認用の下書きです。');
    await form.locator('#f-segment').selectOption({ label: SEGMENT.name });
    expect(await navigation(operator, () => form.locator('button[type="submit"]').click())).toBe(200);
    const draftPath = new URL(operator.url()).pathname;
    expect(await mainText(operator)).toContain(fmt(D.recipientsNow, { count: 1 }));

    // Opening the link (as a mail scanner would) only asks.
    const reader = await freshPage();
    expect(await visit(reader, link!)).toBe(200);
    expect(await h1(reader)).toBe(NL.unsubscribe.title);
    expect(await mainText(reader)).toContain(fmt(NL.unsubscribe.question, { email: READER.email, network: NETWORK.nameJa }));
    await checkAndShoot(reader, 'unsubscribe-confirm');
    expect(await visit(reader, `${link}/preferences`)).toBe(200);
    expect(await reader.isChecked('#f-newsletter'), 'a GET of the link leaves her subscribed').toBe(true);
    await checkAndShoot(reader, 'preferences-subscribed');
    expect(await visit(operator, draftPath)).toBe(200);
    expect(await mainText(operator), 'still in the audience after the GET').toContain(fmt(D.recipientsNow, { count: 1 }));

    // The button (a POST) unsubscribes.
    expect(await visit(reader, link!)).toBe(200);
    expect(await navigation(reader, () => reader.getByRole('button', { name: NL.unsubscribe.confirm }).click())).toBe(200);
    expect(new URL(reader.url()).pathname).toMatch(/\/done$/);
    expect(await h1(reader)).toBe(NL.unsubscribe.doneTitle);
    expect(await reader.locator('main [role="status"]').textContent()).toBe(NL.unsubscribe.done);
    await checkAndShoot(reader, 'unsubscribe-done');
    expect(await navigation(reader, () => reader.getByRole('link', { name: NL.unsubscribe.preferencesLink }).click())).toBe(200);
    expect(await reader.isChecked('#f-newsletter')).toBe(false);
    await checkAndShoot(reader, 'preferences-unsubscribed');
    expect(await visit(reader, link!)).toBe(200);
    expect(await mainText(reader)).toContain(NL.unsubscribe.already);
    expect(await visit(operator, draftPath)).toBe(200);
    expect(await mainText(operator), 'out of the audience after the POST').toContain(fmt(D.recipientsNow, { count: 0 }));
    expect(pageErrors(reader)).toEqual([]);
  });

  test('[NEWSLETTERS][PHONE] compose and progress on a 375 px phone', async () => {
    ready();
    expect(detailPath, 'the send test ran').not.toBe('');
    const phone = await freshPage({ ...PHONE, storageState: await operator.context().storageState() });
    expect(await visit(phone, '/admin/newsletters/new')).toBe(200);
    await expectNoSideScroll(phone, 375);
    await shoot(phone, 'newsletter-compose-phone');
    expect(await visit(phone, detailPath)).toBe(200);
    expect(await phone.locator('#progress').isVisible()).toBe(true);
    await expectNoSideScroll(phone, 375);
    await shoot(phone, 'newsletter-progress-phone');
  });
});
