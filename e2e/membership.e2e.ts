/**
 * Membership from the roster to a member and back out: an invitation wave on the consent
 * recorded in an imported roster and joining from its e-mail; a self sign-up reviewed by a
 * community manager (and one verified automatically); revoking and restoring access on the
 * roster entry; a leaver's exit form. Mail is read from the outbox folder.
 *
 * Not here: the last-day farewell and the manager's request (sent by the hourly
 * `offboarding.tick` job; unit tests cover them with a fake clock).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fmt } from '../src/shared/i18n/index.ts';
import { parseMessage } from '../src/shared/mail/testing.ts';
import { checkA11y, checkAndShoot, horizontalOverflow, navigation, pageErrors, readMail, visit, type ServerHandle } from './harness.ts';
import { en, enrolTwoFactor, h1, htmlLang, isSignedIn, ja, mailSubject, navLabels, NETWORK, signIn, networkSuite, openAdmin } from './flows.ts';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
const HEADERS = ['社員番号', '氏名', 'フリガナ', '部署', '入社日', '退職日', '再雇用可否', '個人メールアドレス', '連絡同意'];

/** A small roster, UTF-8 (as saved by a spreadsheet other than Japanese Excel). */
const ROWS: string[][] = [
  // 営業部: the wave's segment. Two are invited; one has no consent, one no address.
  ['M1001', '青山\u3000春香', 'アオヤマ ハルカ', '営業部', '2012/04/01', '2022/03/31', '可', 'haruka.aoyama@example.com', '有'],
  ['M1002', '石井\u3000大地', 'イシイ ダイチ', '営業部', '2015/04/01', '2021/09/30', '可', 'daichi.ishii@example.net', '有'],
  ['M1003', '上野\u3000真央', 'ウエノ マオ', '営業部', '2016/04/01', '2020/06/30', '否', 'mao.ueno@example.org', '無'],
  ['M1004', '江口\u3000航', 'エグチ ワタル', '営業部', '2010/04/01', '2023/03/31', '', '', '有'],
  // Outside the segment (consent and address, but another department).
  ['M1005', '小野\u3000玲奈', 'オノ レナ', '開発部', '2014/04/01', '2022/12/31', '可', 'rena.ono@example.com', '有'],
  // Namesakes: a sign-up as 佐藤 健 cannot be verified automatically.
  ['M2001', '佐藤\u3000健', 'サトウ ケン', '開発部', '2010/04/01', '2019/03/31', '可', '', '無'],
  ['M2002', '佐藤\u3000健', 'サトウ ケン', '製造部', '2003/04/01', '2015/09/30', '否', '', '無'],
  // Employee number + name: verified automatically.
  ['M3001', '北村\u3000優', 'キタムラ ユウ', '総務部', '2011/04/01', '2020/03/31', '可', '', ''],
];
const INVITED = { name: '青山 春香', kana: 'アオヤマ ハルカ', email: 'haruka.aoyama@example.com', password: 'haruka-alumna-2024' };
const ALSO_INVITED = { name: '石井 大地', email: 'daichi.ishii@example.net' };
/** Addresses on the roster that must never get an invitation. */
const NOT_INVITED = ['mao.ueno@example.org', 'rena.ono@example.com'];

const AMBIGUOUS = { name: '佐藤 健', kana: 'さとう けん', email: 'ken.sato.alumni@example.com', password: 'ken-sato-alumnus-2024', joinYear: '2010', leaveYear: '2019', department: '開発' };
const STRONG = { name: '北村 優', kana: 'きたむら ゆう', email: 'yu.kitamura@example.jp', password: 'yu-kitamura-alumnus-2024', employeeNumber: 'M3001' };
const COMMUNITY_MANAGER = { name: '小川 直子', nameKana: 'おがわ なおこ', email: 'naoko.ogawa@example.jp', password: 'community-manager-2024' };
const MANAGER = { name: '森田 誠', nameKana: 'もりた まこと', email: 'makoto.morita@toho-seiki.example.jp', password: 'manager-password-2024' };
const LEAVER = {
  employeeNumber: 'M4001',
  name: '松井 美穂',
  nameKana: 'まつい みほ',
  department: '企画部',
  workEmail: 'miho.matsui@toho-seiki.example.jp',
  personalEmail: 'miho.matsui.home@example.com',
};

const subject = (template: 'invitation' | 'signupApproved' | 'offboardingExitForm') => fmt(ja.mail[template].subject, { network: NETWORK.nameJa });

/** YYYY-MM-DD, `days` from today in Tokyo. */
function tokyoDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvUtf8(header: string[], rows: string[][]): Buffer {
  return Buffer.from([header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n', 'utf8');
}

/** Cell texts of a table's body rows. */
function bodyCells(table: Locator): Promise<string[][]> {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
}

async function mainText(page: Page): Promise<string> {
  return (await page.locator('main').textContent()) ?? '';
}

describe('membership: invitations, sign-up review, lifecycle, offboarding', () => {
  const suite = networkSuite();
  const { ready, freshPage } = suite;
  let server: ServerHandle;
  let operator: Page;
  beforeAll(() => ({ server, operator } = suite.current()));
  /** The invited alumna, signed in after joining (for the lifecycle spec). */
  let member: Page | undefined;

  /** Every recipient in the outbox folder so far. */
  function outboxRecipients(): string[] {
    let files: string[] = [];
    try {
      files = fs.readdirSync(server.outboxDir).filter((f) => f.endsWith('.eml'));
    } catch {
      return [];
    }
    return files.map((f) => parseMessage(fs.readFileSync(path.join(server.outboxDir, f), 'utf8')).header('to') ?? '');
  }

  /** Invites a staff member from /admin/people and accepts in a new context; ends signed in on '/'. */
  async function inviteStaff(person: { name: string; nameKana: string; email: string; password: string }, role: 'employee' | 'community_manager', isManager = false): Promise<Page> {
    await visit(operator, '/admin/people');
    const invite = operator.locator('form[action="/admin/people/invite"]');
    await invite.locator('input[name="email"]').fill(person.email);
    await invite.locator('select[name="role"]').selectOption(role);
    if (isManager) await invite.locator('input[name="isManager"]').check();
    await invite.locator('select[name="locale"]').selectOption('ja');
    expect(await navigation(operator, () => invite.locator('button[type="submit"]').click())).toBe(200);
    const mail = await readMail(person.email, mailSubject('ja', 'staffInvitation', { role: ja.roles[role] }));
    const page = await freshPage();
    expect(await visit(page, mail.link!)).toBe(200);
    await page.fill('#f-name', person.name);
    await page.fill('#f-nameKana', person.nameKana);
    await page.fill('#f-password', person.password);
    await page.fill('#f-passwordConfirm', person.password);
    await navigation(page, () => page.click('form[action="/invite/staff"] button[type="submit"]'));
    if (role === 'community_manager') await enrolTwoFactor(page, person.password);
    expect(new URL(page.url()).pathname).toBe('/');
    return page;
  }

  /** The sign-up form through address confirmation; ends signed in on '/'. */
  async function signUpAndConfirm(page: Page, person: { name: string; kana: string; email: string; password: string }, answers: Record<string, string>, a11yName?: string): Promise<void> {
    await visit(page, '/auth/sign-up');
    expect(await h1(page)).toBe(ja.auth.signUpTitle);
    await page.fill('#f-name', person.name);
    await page.fill('#f-nameKana', person.kana);
    await page.fill('#f-email', person.email);
    await page.fill('#f-password', person.password);
    await page.fill('#f-passwordConfirm', person.password);
    for (const [field, value] of Object.entries(answers)) await page.fill(`#f-${field}`, value);
    await page.check('#f-purposeConsent');
    if (a11yName) await checkA11y(page, a11yName);
    expect(await navigation(page, () => page.click('form[action="/auth/sign-up"] button[type="submit"]'))).toBe(200);
    expect(await page.locator('main [role="status"]').textContent()).toContain(ja.auth.signUpSent);

    const mail = await readMail(person.email, mailSubject('ja', 'verifyEmail'));
    expect(await visit(page, mail.link!)).toBe(200);
    expect(await navigation(page, () => page.click('form[action="/auth/verify-email"] button[type="submit"]'))).toBe(200);
    expect(await page.locator('main [role="status"]').textContent()).toContain(ja.auth.verifyDone);
    await signIn(page, person.email, person.password);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await h1(page)).toBe(fmt(ja.home.welcome, { name: person.name }));
  }

  test('[MEMBERSHIP][INVITE] operator imports, invites a wave, the alumnus joins from the e-mail and consents', async () => {
    ready();
    const v = ja.invitations;
    const j = v.join;

    // Import the roster (UTF-8).
    await visit(operator, '/admin/roster/import');
    await operator.setInputFiles('#f-file', { name: 'alumni.csv', mimeType: 'text/csv', buffer: csvUtf8(HEADERS, ROWS) });
    expect(await navigation(operator, () => operator.click('form[action="/admin/roster/import"] button[type="submit"]'))).toBe(200);
    expect(await operator.locator('main p.lead[role="status"]').textContent()).toBe(
      fmt(ja.roster.summary, { total: String(ROWS.length), encoding: 'UTF-8', valid: String(ROWS.length), errors: '0' }),
    );
    await navigation(operator, () => operator.click('main form[action$="/commit"] button[type="submit"]'));
    await operator.locator('main h1', { hasText: ja.roster.doneTitle }).waitFor({ timeout: 30_000 });

    // A new wave: 営業部 only, on the consent recorded in the import.
    await openAdmin(operator, '/admin/invitations');
    expect(await h1(operator)).toBe(v.wavesTitle);
    expect(await mainText(operator)).toContain(v.wavesEmpty);
    await checkA11y(operator, 'waves-empty-ja');
    await navigation(operator, () => operator.click('main a[href="/admin/invitations/new"]'));
    expect(await h1(operator)).toBe(v.newTitle);
    await checkA11y(operator, 'wave-new-ja');
    await operator.getByLabel('営業部', { exact: true }).check();
    await operator.check('input[name="basis"][value="consent_import"]');
    expect(await navigation(operator, () => operator.click('form[action="/admin/invitations/new"] button[type="submit"]'))).toBe(200);
    const preview = operator.locator('main section[aria-labelledby="preview-title"]');
    expect(await preview.locator('[role="status"]').textContent()).toBe(fmt(v.previewSummary, { matched: '4', invited: '2', skipped: '2' }));
    expect((await preview.locator('li').allTextContents()).map((t) => t.trim())).toEqual([
      fmt(v.reasonCount, { reason: v.reasons.noEmail, count: '1' }),
      fmt(v.reasonCount, { reason: v.reasons.noConsent, count: '1' }),
    ]);
    // The filter stays as chosen.
    expect(await operator.getByLabel('営業部', { exact: true }).isChecked()).toBe(true);
    expect(await operator.isChecked('input[name="basis"][value="consent_import"]')).toBe(true);
    // Nothing is sent by looking.
    expect(outboxRecipients().filter((to) => /example\.(com|net|org)/.test(to))).toEqual([]);
    await checkAndShoot(operator, 'wave-preview-ja');

    await preview.locator('#f-name').fill('先行実施: 営業部');
    await preview.locator('#f-locale').selectOption('ja');
    const send = preview.locator('button[type="submit"]');
    expect(((await send.textContent()) ?? '').trim()).toBe(fmt(v.send, { count: '2' }));
    expect(await navigation(operator, () => send.click())).toBe(200);
    expect(new URL(operator.url()).pathname).toMatch(/^\/admin\/invitations\/waves\/[0-9a-f-]{36}$/);
    const waveUrl = operator.url();
    expect(await mainText(operator)).toContain(fmt(v.sent, { count: '2' }));

    // The two invitations arrive; the wave page stops refreshing once the job is done.
    const mail = await readMail(INVITED.email, subject('invitation'));
    await readMail(ALSO_INVITED.email, subject('invitation'));
    expect(mail.text).toContain(INVITED.name);
    expect(mail.link).toMatch(/\/join\?token=[A-Za-z0-9_-]{43}&lang=ja$/);
    for (let i = 0; (await mainText(operator)).includes(v.sending); i++) {
      expect(i, 'the wave is still sending').toBeLessThan(30);
      await operator.waitForTimeout(500);
      await visit(operator, waveUrl);
    }
    expect(await h1(operator)).toBe(fmt(v.waveTitle, { name: '先行実施: 営業部' }));
    const facts = (await operator.locator('main dl.facts').textContent()) ?? '';
    expect(facts).toContain(fmt(v.segmentDepartments, { list: '営業部' }));
    expect(facts).toContain(v.bases.consent_import);
    const waveRows = await bodyCells(operator.locator('main table'));
    expect(waveRows.map((r) => [r[0], r[1], r[2]])).toEqual([
      [`${INVITED.name}${INVITED.kana}`, 'M1001', v.states.open],
      [`${ALSO_INVITED.name}イシイ ダイチ`, 'M1002', v.states.open],
    ]);
    await checkA11y(operator, 'wave-sent-ja');

    // Only the consented people got mail: neither in the outbox folder nor in the mail log.
    const recipients = outboxRecipients();
    for (const to of NOT_INVITED) expect(recipients.some((r) => r.includes(to)), `mail to ${to}`).toBe(false);
    await visit(operator, '/admin/outbox');
    const logged = (await bodyCells(operator.locator('main table'))).map((r) => r[1]);
    expect(logged).toEqual(expect.arrayContaining([INVITED.email, ALSO_INVITED.email]));
    for (const to of NOT_INVITED) expect(logged).not.toContain(to);

    // The join page in English (its own context, so the language choice stays there) …
    const english = await freshPage({ locale: 'en-GB' });
    expect(await visit(english, mail.link!.replace('lang=ja', 'lang=en'))).toBe(200);
    expect(await htmlLang(english)).toBe('en');
    expect(await h1(english)).toBe(fmt(en.invitations.join.title, { network: NETWORK.nameEn }));
    expect(await mainText(english)).toContain(NETWORK.purposeEn);
    expect(await english.locator('#notice-title').textContent()).toBe(en.invitations.notice.title);
    await checkAndShoot(english, 'join-en');

    // … and on a 360 px phone: no sideways scrolling.
    const phone = await freshPage(PHONE);
    expect(await visit(phone, mail.link!)).toBe(200);
    const o = await horizontalOverflow(phone);
    expect(o.scrollWidth, `the join page scrolls sideways (wide: ${o.widest.join(', ')})`).toBeLessThanOrEqual(361);
    await checkAndShoot(phone, 'join-360-ja');

    // The alumna opens the link in a fresh browser.
    const page = await freshPage();
    expect(await visit(page, mail.link!)).toBe(200);
    expect(await htmlLang(page)).toBe('ja');
    expect(await h1(page)).toBe(fmt(j.title, { network: NETWORK.nameJa }));
    const text = await mainText(page);
    expect(text).toContain(j.voluntary);
    expect(text).toContain(NETWORK.purposeJa);
    expect(text).toContain('2. 機密情報を投稿しないでください。');
    expect(await page.locator('#notice-title').textContent()).toBe(v.notice.title);
    expect(text).toContain(v.notice.why);
    // Prefilled from the roster and the invitation.
    expect(await page.inputValue('#f-name')).toBe(INVITED.name);
    expect(await page.inputValue('#f-nameKana')).toBe(INVITED.kana);
    expect(await page.inputValue('#f-email')).toBe(INVITED.email);
    await checkAndShoot(page, 'join-ja');

    // Everything but the consents: refused, with the answers kept.
    await page.fill('#f-currentEmployer', '株式会社みらい技研');
    await page.fill('#f-currentTitle', 'プロダクトマネージャー');
    await page.check('#f-pref-events');
    await page.check('#f-pref-jobs');
    await page.fill('#f-password', INVITED.password);
    await page.fill('#f-passwordConfirm', INVITED.password);
    expect(await navigation(page, () => page.click('form[action="/join"] button[type="submit"]'))).toBe(422);
    const summary = page.locator('main .error-summary');
    expect((await summary.locator('a').allTextContents()).map((t) => t.trim())).toEqual([j.consentPurposeMissing, j.consentRulesMissing, j.consentContactMissing]);
    expect(await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['#f-consentPurpose', '#f-consentRules', '#f-consentContact']);
    expect(await page.getAttribute('#f-consentPurpose', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#f-name')).toBe(INVITED.name);
    expect(await page.inputValue('#f-email')).toBe(INVITED.email);
    expect(await page.inputValue('#f-currentEmployer')).toBe('株式会社みらい技研');
    expect(await page.inputValue('#f-currentTitle')).toBe('プロダクトマネージャー');
    expect(await page.isChecked('#f-pref-events')).toBe(true);
    expect(await page.isChecked('#f-pref-jobs')).toBe(true);
    expect(await page.isChecked('#f-pref-newsletter')).toBe(false);
    await checkAndShoot(page, 'join-errors-ja');

    // Consents ticked, the password again (never sent back to the browser): a member.
    for (const id of ['#f-consentPurpose', '#f-consentRules', '#f-consentContact']) await page.check(id);
    await page.fill('#f-password', INVITED.password);
    await page.fill('#f-passwordConfirm', INVITED.password);
    expect(await navigation(page, () => page.click('form[action="/join"] button[type="submit"]'))).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await isSignedIn(page)).toBe(true);
    expect(await h1(page)).toBe(fmt(ja.home.welcome, { name: INVITED.name }));
    expect(await page.locator('main .notice').count(), 'no pending notice').toBe(0);
    expect(await page.locator('footer').textContent()).toContain(ja.roles.alumnus);
    await checkA11y(page, 'home-joined-ja');
    expect(await visit(page, '/account')).toBe(200);
    await checkA11y(page, 'account-joined-ja');
    member = page;

    // The link is used up.
    const again = await freshPage();
    expect(await visit(again, mail.link!)).toBe(410);
    expect(await h1(again)).toBe(j.invalidTitle);
    expect(await mainText(again)).toContain(j.used);
    await checkA11y(again, 'join-used-ja');

    // The wave shows her as joined; the list counts it.
    await visit(operator, waveUrl);
    const after = await bodyCells(operator.locator('main table'));
    expect(after.find((r) => r[1] === 'M1001')?.[2]).toBe(v.states.accepted);
    expect(after.find((r) => r[1] === 'M1002')?.[2]).toBe(v.states.open);
    expect(await operator.locator('main form[action^="/admin/invitations/revoke/"]').count(), 'only the open one can be revoked').toBe(1);
    await visit(operator, '/admin/invitations');
    const waves = await bodyCells(operator.locator('main table'));
    expect(waves).toHaveLength(1);
    // Wave, sent at, basis, invited, open, accepted, expired, revoked, skipped.
    expect([waves[0]![0], ...waves[0]!.slice(2)]).toEqual(['先行実施: 営業部', v.bases.consent_import, '2', '1', '1', '0', '0', '2']);
    await checkA11y(operator, 'waves-list-ja');

    for (const p of [operator, english, phone, page, again]) expect(pageErrors(p)).toEqual([]);
  });

  test('[MEMBERSHIP][SIGN-UP] an uninvited alumnus signs up, is reviewed and approved', async () => {
    ready();
    const v = ja.verification;

    // A strong match (employee number + name) is verified as soon as the address is confirmed.
    const strong = await freshPage();
    await signUpAndConfirm(strong, STRONG, { employeeNumber: STRONG.employeeNumber });
    expect(await strong.locator('main .notice').count(), 'no pending notice').toBe(0);
    await readMail(STRONG.email, subject('signupApproved'));

    // A namesake on the roster: the request waits for a person.
    const alumnus = await freshPage();
    await signUpAndConfirm(
      alumnus,
      AMBIGUOUS,
      { joinYear: AMBIGUOUS.joinYear, leaveYear: AMBIGUOUS.leaveYear, department: AMBIGUOUS.department, note: '開発部の第二チームにいました。' },
      'sign-up-filled-ja',
    );
    expect(await alumnus.locator('main .notice[role="status"]').textContent()).toContain(v.status.pending);
    await checkA11y(alumnus, 'home-pending-ja');
    await navigation(alumnus, () => alumnus.click(`main a[href="/membership/request"]`));
    expect(await h1(alumnus)).toBe(v.ownTitle);
    expect(await alumnus.inputValue('#f-leaveYear')).toBe(AMBIGUOUS.leaveYear);
    await checkA11y(alumnus, 'membership-request-ja');

    // A community manager (two-factor on) reviews.
    const cm = await inviteStaff(COMMUNITY_MANAGER, 'community_manager');
    expect(await navLabels(cm)).toContain(ja.nav.admin);
    await openAdmin(cm, '/admin/signups');
    expect(await h1(cm)).toBe(v.queueTitle);
    expect(await cm.locator('main p[role="status"]').textContent()).toBe(fmt(v.count, { count: '1' }));
    const queue = await bodyCells(cm.locator('main table'));
    expect(queue.map((r) => [r[0], r[1], r[4]])).toEqual([[`${AMBIGUOUS.name}${AMBIGUOUS.kana}`, AMBIGUOUS.email, v.states.pending]]);
    await checkA11y(cm, 'signups-queue-ja');

    await navigation(cm, () => cm.click(`main table a:has-text("${AMBIGUOUS.name}")`));
    expect(await h1(cm)).toBe(fmt(v.detailTitle, { name: AMBIGUOUS.name }));
    // The two namesakes side by side with the request; HR-only facts are not shown to a community manager.
    const compare = cm.locator('main table');
    expect((await compare.locator('thead th').allTextContents()).map((t) => t.trim())).toEqual([v.colRequest, fmt(v.colCandidate, { n: 1 }), fmt(v.colCandidate, { n: 2 })]);
    const left = compare.locator('tbody tr', { has: cm.locator('th', { hasText: v.rows.left }) });
    expect((await left.locator('td').allTextContents()).map((t) => t.trim())).toEqual([AMBIGUOUS.leaveYear, `2019-03-31${v.agrees}`, '2015-09-30']);
    expect(await mainText(cm)).toContain(v.hrOnlyHidden);
    expect(await cm.locator('main a[href^="/admin/roster/entries/"]').count()).toBe(0);
    expect(await mainText(cm)).not.toContain('M2001');
    await checkAndShoot(cm, 'review-detail-ja');

    // Approve, linked to the candidate who left in 2019.
    await cm.locator('main label.choice', { hasText: '2019-03-31' }).locator('input[type="radio"]').check();
    expect(await navigation(cm, () => cm.click('main form[action$="/approve"] button[type="submit"]'))).toBe(200);
    expect(new URL(cm.url()).pathname).toBe('/admin/signups');
    expect(await mainText(cm)).toContain(v.flash.approved);
    expect(await mainText(cm)).toContain(v.empty);
    await checkA11y(cm, 'signups-after-approve-ja');

    // The alumnus hears about it, and the next page shows a member.
    const approved = await readMail(AMBIGUOUS.email, subject('signupApproved'));
    expect(approved.text).toContain(AMBIGUOUS.name);
    await visit(alumnus, '/');
    expect(await h1(alumnus)).toBe(fmt(ja.home.welcome, { name: AMBIGUOUS.name }));
    expect(await alumnus.locator('main .notice').count(), 'no pending notice').toBe(0);
    expect(await mainText(alumnus)).not.toContain(v.status.pending);
    // The request page has nothing more to say.
    await visit(alumnus, '/membership/request');
    expect(new URL(alumnus.url()).pathname).toBe('/');
    await checkA11y(alumnus, 'home-approved-ja');

    // The operator sees the roster entry linked to the account.
    await visit(operator, '/admin/roster?q=M2001');
    await navigation(operator, () => operator.click('main table a:has-text("M2001")'));
    expect(await mainText(operator)).toContain(AMBIGUOUS.email);
    await checkA11y(operator, 'roster-entry-linked-ja');

    for (const p of [strong, alumnus, cm, operator]) expect(pageErrors(p)).toEqual([]);
  });

  test('[MEMBERSHIP][LIFECYCLE] operator revokes access and restores it', async () => {
    ready();
    expect(member, 'the invitation spec must have run').toBeDefined();
    const alumna = member!;
    const r = ja.roster;
    await visit(operator, '/admin/roster?q=M1001');
    await navigation(operator, () => operator.click('main table a:has-text("M1001")'));
    expect(await h1(operator)).toBe(fmt(r.entryTitle, { name: INVITED.name, number: 'M1001' }));
    const account = operator.locator(`main dl.facts dt:text-is("${r.account}") + dd`);
    expect(await account.textContent()).toBe(`${INVITED.email} · ${ja.roles.alumnus} · ${r.accountStatus.active}`);
    await checkA11y(operator, 'roster-entry-member-ja');

    // A reason is required (the browser asks for it before anything is sent).
    const revoke = operator.locator('main form[action$="/revoke"]');
    expect(await revoke.locator('input[name="reason"]').getAttribute('required')).not.toBeNull();
    const reason = '規約違反の申告があったため、確認が済むまで停止';
    await revoke.locator('input[name="reason"]').fill(reason);
    expect(await navigation(operator, () => revoke.locator('button[type="submit"]').click())).toBe(200);
    expect(await mainText(operator)).toContain(r.statusSaved);
    expect(await account.textContent()).toContain(r.accountStatus.suspended);
    expect(await account.textContent()).toContain(fmt(r.revokedBecause, { reason }));
    await checkA11y(operator, 'roster-entry-revoked-ja');

    // Her next request: the 403 page.
    expect(await visit(alumna, '/account')).toBe(403);
    expect(await h1(alumna)).toBe(ja.errors.title);
    expect(await alumna.locator('main .error-message').textContent()).toBe(ja.errors.FORBIDDEN);
    expect(await mainText(alumna)).not.toContain(reason);
    await checkAndShoot(alumna, 'member-revoked-403-ja');

    // Restored: back in.
    expect(await navigation(operator, () => operator.click('main form[action$="/restore"] button[type="submit"]'))).toBe(200);
    expect(await account.textContent()).toBe(`${INVITED.email} · ${ja.roles.alumnus} · ${r.accountStatus.active}`);
    expect(await visit(alumna, '/account')).toBe(200);
    expect(await isSignedIn(alumna)).toBe(true);
    await checkA11y(alumna, 'account-restored-ja');
    for (const p of [operator, alumna]) expect(pageErrors(p)).toEqual([]);
  });

  test('[OFFBOARDING] a leaver fills the exit form and the manager writes a thank-you', async () => {
    ready();
    const o = ja.offboarding;
    const manager = await inviteStaff(MANAGER, 'employee', true);

    await openAdmin(operator, '/admin/offboarding');
    expect(await h1(operator)).toBe(o.title);
    await checkA11y(operator, 'offboarding-empty-ja');
    const lastDay = tokyoDate(30);
    await operator.fill('#f-employeeNumber', LEAVER.employeeNumber);
    await operator.fill('#f-name', LEAVER.name);
    await operator.fill('#f-nameKana', LEAVER.nameKana);
    await operator.fill('#f-department', LEAVER.department);
    await operator.fill('#f-lastDay', lastDay);
    await operator.selectOption('#f-managerId', { label: `${MANAGER.name}(${ja.roles.manager})` });
    await operator.fill('#f-contactEmail', LEAVER.workEmail);
    expect(await navigation(operator, () => operator.click('form[action="/admin/offboarding"] button[type="submit"]'))).toBe(200);
    expect(await mainText(operator)).toContain(fmt(o.registered, { email: LEAVER.workEmail }));
    expect(await bodyCells(operator.locator('main table'))).toEqual([[LEAVER.name, lastDay, o.waiting, o.waiting, o.waiting]]);
    await checkA11y(operator, 'offboarding-registered-ja');

    // The leaver's exit form, from the mail.
    const mail = await readMail(LEAVER.workEmail, subject('offboardingExitForm'));
    expect(mail.link).toMatch(/\/exit\?token=/);
    const leaver = await freshPage();
    expect(await visit(leaver, mail.link!)).toBe(200);
    expect(await h1(leaver)).toBe(o.exitTitle);
    await checkAndShoot(leaver, 'exit-form-ja');

    // A mistyped address comes back with the answers kept.
    await leaver.fill('#f-personalEmail', 'miho.matsui@@example.com');
    await leaver.check('#f-consent');
    await leaver.check('#f-int-events');
    await leaver.check('#f-int-side_work');
    await leaver.check('#f-reason-compensation');
    expect(await navigation(leaver, () => leaver.click('form[action="/exit"] button[type="submit"]'))).toBe(422);
    expect(await leaver.locator('#f-personalEmail-error').textContent()).toContain(ja.validation.email);
    expect(await leaver.isChecked('#f-int-side_work')).toBe(true);
    expect(await leaver.isChecked('#f-reason-compensation')).toBe(true);
    await checkA11y(leaver, 'exit-form-error-ja');
    await leaver.fill('#f-personalEmail', LEAVER.personalEmail);
    expect(await navigation(leaver, () => leaver.click('form[action="/exit"] button[type="submit"]'))).toBe(200);
    expect(await leaver.locator('main .notice[role="status"]').textContent()).toBe(o.exitThanks);
    expect(await leaver.inputValue('#f-personalEmail')).toBe(LEAVER.personalEmail);
    expect(await leaver.isChecked('#f-consent')).toBe(true);
    await checkAndShoot(leaver, 'exit-form-saved-ja');

    // The operator sees that the form is done, never the reason.
    await visit(operator, '/admin/offboarding');
    expect(await bodyCells(operator.locator('main table'))).toEqual([[LEAVER.name, lastDay, o.done, o.waiting, o.waiting]]);
    const text = await mainText(operator);
    expect(text).not.toContain(o.reasons.compensation);
    expect(text).toContain(fmt(o.reasonsTooFew, { min: 5 }));
    await checkA11y(operator, 'offboarding-exit-done-ja');

    // The manager's thank-you page is announced by the hourly job's mail, which a browser
    // test cannot wait for; only when the operator page links it can it be checked here.
    const thanks = operator.locator('main a[href^="/offboarding/"][href$="/thanks"]');
    if ((await thanks.count()) > 0) {
      const href = (await thanks.first().getAttribute('href'))!;
      expect(await visit(manager, href)).toBe(200);
      expect(await h1(manager)).toBe(fmt(o.thanksTitle, { name: LEAVER.name }));
      await checkAndShoot(manager, 'offboarding-thanks-ja');
      await manager.fill('#f-message', '松井さん、5年間本当にありがとうございました。またどこかで一緒に仕事をしましょう。');
      expect(await navigation(manager, () => manager.click('main form button[type="submit"]'))).toBe(200);
      expect(await manager.locator('main .notice[role="status"]').textContent()).toBe(o.thanksSaved);
    }
    // Nothing goes to the personal address before the last day, nor to the manager before the job asks (only the staff invitation so far).
    const recipients = outboxRecipients();
    expect(recipients.filter((to) => to.includes(LEAVER.personalEmail))).toEqual([]);
    expect(recipients.filter((to) => to.includes(MANAGER.email))).toHaveLength(1);
    for (const p of [operator, leaver, manager]) expect(pageErrors(p)).toEqual([]);
  });
});
