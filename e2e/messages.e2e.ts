/**
 * Messages in a real browser: two alumni who both accept messages from members. He finds her
 * in the directory and, on a 375 px phone with JavaScript off, writes from her profile's
 * "send a message" button; she sees it unread, reads and answers. She writes to the company;
 * the operator answers from the secretariat's inbox, where the member conversation is not
 * listed. He reports her answer; the operator sees only that message and hides it. Every
 * page passes axe and is photographed in tmp/screenshots/messages-*.png.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fmt } from '../src/shared/i18n/index.ts';
import { checkAndShoot, navigation, visit } from './harness.ts';
import { expectNoSideScroll, h1, inviteLeavers, ja, joinFromInvitation, mainText, networkSuite, OPERATOR, type Leaver } from './flows.ts';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
const M = ja.messages;

type Alumnus = Leaver & { password: string };
const HER: Alumnus = { number: 'E7001', name: '松本 彩花', kana: 'マツモト アヤカ', email: 'ayaka.matsumoto@example.com', password: 'ayaka-matsumoto-2024' };
const HIM: Alumnus = { number: 'E7002', name: '井上 大輔', kana: 'イノウエ ダイスケ', email: 'daisuke.inoue@example.net', password: 'daisuke-inoue-2024' };

const FIRST = 'ご無沙汰しています。井上です。\n営業部でご一緒していた頃はお世話になりました。\n近況はこちらにまとめています: https://example.com/daisuke';
const ANSWER = '井上さん、お久しぶりです!\n来月の勉強会でお会いできたら嬉しいです。';
const TO_COMPANY = { subject: '業務委託のご相談', body: '独立してデザインの仕事をしています。\n御社の案件をお手伝いできないかと思い、ご連絡しました。' };
const COMPANY_ANSWER = 'ご連絡ありがとうございます。担当部署と相談のうえ、改めてご連絡いたします。';

/** Turns on "accepts messages from members" in the profile editor. */
async function acceptMessages(page: Page): Promise<void> {
  expect(await visit(page, '/profile/edit')).toBe(200);
  await page.locator('main form.profile-form #f-contact').selectOption('yes');
  expect(await navigation(page, () => page.click('main form.profile-form button[type="submit"]'))).toBe(200);
  expect(new URL(page.url()).pathname).toBe('/profile');
}

describe('messages', () => {
  const suite = networkSuite();
  const { ready, freshPage } = suite;
  let operator: Page;
  beforeAll(() => ({ operator } = suite.current()));

  let her: Page;
  let him: Page;
  let memberThread = '';
  let companyThread = '';

  test('[MESSAGES][SETUP] two alumni join and accept messages from members', async () => {
    ready();
    await inviteLeavers(operator, '営業部', [HER, HIM]);
    her = await freshPage();
    him = await freshPage();
    await Promise.all([joinFromInvitation(her, HER.email, HER.password), joinFromInvitation(him, HIM.email, HIM.password)]);
    await acceptMessages(her);
    await acceptMessages(him);
  });

  test('[MESSAGES][START] on a phone without JavaScript he writes to her from her profile', async () => {
    ready();
    const phone = await freshPage({ ...PHONE, javaScriptEnabled: false, storageState: await him.context().storageState() });
    expect(await visit(phone, `/members?q=${encodeURIComponent('松本')}`)).toBe(200);
    expect(await navigation(phone, () => phone.getByRole('link', { name: HER.name }).first().click())).toBe(200);
    expect(await navigation(phone, () => phone.getByRole('link', { name: M.sendMessage }).click())).toBe(200);
    expect(await h1(phone)).toBe(fmt(M.new.title, { name: HER.name }));
    await expectNoSideScroll(phone, 375);
    await checkAndShoot(phone, 'messages-new-phone');

    // An empty message is refused next to the field, in Japanese.
    expect(await navigation(phone, () => phone.click('main form button[type="submit"]'))).toBe(422);
    expect(await phone.locator('main .field-error').textContent()).toContain(fmt(ja.validation.required, { field: M.thread.body }));
    await phone.fill('#f-body', FIRST);
    expect(await navigation(phone, () => phone.click('main form button[type="submit"]'))).toBe(200);
    memberThread = new URL(phone.url()).pathname;
    expect(memberThread).toMatch(/^\/messages\/[0-9a-f-]{36}$/);
    expect(await phone.locator('main [role="status"]').first().textContent()).toContain(M.thread.started);
    expect(await phone.locator('main .prose').first().innerText()).toBe(FIRST);
    expect(await phone.locator('main .prose a').getAttribute('href')).toBe('https://example.com/daisuke');
    await expectNoSideScroll(phone, 375);
    await checkAndShoot(phone, 'messages-thread-phone');
  });

  test('[MESSAGES][READ] she sees one unread message, reads it and answers', async () => {
    ready();
    expect(await visit(her, '/messages')).toBe(200);
    expect(await mainText(her)).toContain(fmt(M.inbox.unread, { count: 1 }));
    await checkAndShoot(her, 'messages-inbox');
    expect(await navigation(her, () => her.getByRole('link', { name: HIM.name }).click())).toBe(200);
    expect(new URL(her.url()).pathname).toBe(memberThread);
    await her.fill('#f-body', ANSWER);
    expect(await navigation(her, () => her.click('main form[action^="/messages/"] button[type="submit"]'))).toBe(200);
    expect(await her.locator('main .prose').last().innerText()).toBe(ANSWER);
    expect(await visit(her, '/messages')).toBe(200);
    expect(await mainText(her)).not.toContain(fmt(M.inbox.unread, { count: 1 }));
  });

  test('[MESSAGES][COMPANY] she writes to the company; the operator answers from the secretariat inbox, which lists no member conversation', async () => {
    ready();
    expect(await visit(her, '/messages/company')).toBe(200);
    await checkAndShoot(her, 'messages-company-form');
    await her.fill('#f-subject', TO_COMPANY.subject);
    await her.fill('#f-body', TO_COMPANY.body);
    expect(await navigation(her, () => her.click('main form[action="/messages/company"] button[type="submit"]'))).toBe(200);
    companyThread = new URL(her.url()).pathname;

    expect(await visit(operator, '/admin/messages')).toBe(200);
    const inbox = await mainText(operator);
    expect(inbox).toContain(TO_COMPANY.subject);
    expect(inbox).toContain(M.admin.waitingToday);
    expect(inbox).not.toContain(ANSWER);
    expect(await operator.locator(`main a[href="${memberThread}"]`).count()).toBe(0);
    await checkAndShoot(operator, 'messages-admin-inbox');
    expect(await visit(operator, memberThread)).toBe(404);

    expect(await visit(operator, companyThread)).toBe(200);
    await checkAndShoot(operator, 'messages-admin-thread');
    await operator.fill('#f-body', COMPANY_ANSWER);
    expect(await navigation(operator, () => operator.click(`main form[action="${companyThread}"] button[type="submit"]`))).toBe(200);

    expect(await visit(her, companyThread)).toBe(200);
    const seen = await mainText(her);
    expect(seen).toContain(COMPANY_ANSWER);
    expect(seen).toContain(fmt(M.thread.asCompany, { name: OPERATOR.name }));
  });

  test('[MESSAGES][REPORT] he reports her answer; the operator sees only that message and hides it', async () => {
    ready();
    expect(await visit(him, memberThread)).toBe(200);
    expect(await navigation(him, () => him.getByRole('link', { name: new RegExp(`^${HER.name}さん.*を${M.thread.report}$`) }).click())).toBe(200);
    await checkAndShoot(him, 'messages-report');
    await him.fill('#f-reason', '確認のための報告です。');
    expect(await navigation(him, () => him.click('main form button[type="submit"]'))).toBe(200);
    expect(await him.locator('main [role="status"]').first().textContent()).toContain(M.report.sent);

    expect(await visit(operator, '/admin/messages/reports')).toBe(200);
    const queue = await mainText(operator);
    expect(queue).toContain('来月の勉強会でお会いできたら嬉しいです。');
    expect(queue).not.toContain('営業部でご一緒していた頃');
    await checkAndShoot(operator, 'messages-admin-reports');
    expect(await navigation(operator, () => operator.getByRole('button', { name: fmt(M.reports.hideLabel, { name: HER.name }) }).click())).toBe(200);
    expect(await mainText(operator)).toContain(M.reports.none);

    expect(await visit(him, memberThread)).toBe(200);
    const thread = await mainText(him);
    expect(thread).toContain(M.thread.hidden);
    expect(thread).not.toContain('来月の勉強会');
  });
});
