/**
 * Requests and feedback in a real browser (issue 7): an alumnus on a 375 px phone asks to be
 * introduced to a department (the empty form first: errors beside the fields); the operator
 * finds it in the secretariat queue ("本日受付・未対応") and assigns it to an employee, who is told
 * by mail and answers in the thread; the alumnus reads the answer from the mail and sees the
 * status in plain words, never the internal note. Then feedback: sent on the phone, answered
 * and adopted by the operator. Every page passes axe and is photographed in
 * tmp/screenshots/requests-*.png.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fmt } from '../src/shared/i18n/index.ts';
import { checkAndShoot, navigation, readMail, visit } from './harness.ts';
import { expectNoSideScroll, h1, inviteLeavers, inviteStaff, ja, joinFromInvitation, mainText, NETWORK, networkSuite, type Leaver } from './flows.ts';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
const R = ja.requests;
const ALUMNA: Leaver & { password: string } = { number: 'E8101', name: '小林 美咲', kana: 'コバヤシ ミサキ', email: 'misaki.kobayashi@example.com', password: 'misaki-kobayashi-2024' };
const CONTACT = { name: '中村 健一', nameKana: 'なかむら けんいち', email: 'kenichi.nakamura@example.jp', password: 'kenichi-nakamura-2024' };
const TITLE = '物流部の方とつないでほしい';
const SECRET = '社内メモ：物流部の佐藤さんに相談済み';

describe('requests and feedback', () => {
  const suite = networkSuite();
  const { ready, freshPage } = suite;
  let operator: Page;
  let alumna: Page;
  let contact: Page;
  let requestPath = '';
  beforeAll(() => ({ operator } = suite.current()));

  const status = async (page: Page) => (await page.locator('main [role="status"]').first().textContent()) ?? '';

  test('[REQUESTS][SEND] on a phone, an alumna asks to be introduced to a department', async () => {
    ready();
    await inviteLeavers(operator, '物流部', [ALUMNA]);
    alumna = await freshPage(PHONE);
    await joinFromInvitation(alumna, ALUMNA.email, ALUMNA.password);
    contact = await freshPage();
    await inviteStaff(operator, contact, CONTACT, 'employee');

    expect(await visit(alumna, '/requests')).toBe(200);
    await expectNoSideScroll(alumna, 375);
    await checkAndShoot(alumna, 'requests-list-phone');
    expect(await navigation(alumna, () => alumna.getByRole('link', { name: R.create, exact: true }).click())).toBe(200);
    expect(await h1(alumna)).toBe(R.form.title);
    const form = alumna.locator('main form[action="/requests/new"]');
    expect(await navigation(alumna, () => form.locator('button[type="submit"]').click())).toBe(422);
    expect(await alumna.locator('main .error-summary').textContent()).toContain(R.form.kindMissing);
    await alumna.getByLabel(R.kinds.introduction, { exact: true }).check();
    await form.locator('#f-title').fill(TITLE);
    await form.locator('#f-body').fill('地方の**共同配送**の仕組みを作りたいと考えています。物流部で倉庫を担当されている方とお話しできればうれしいです。');
    await form.locator('#f-departmentId').selectOption({ label: '物流部' });
    await expectNoSideScroll(alumna, 375);
    await checkAndShoot(alumna, 'requests-form-phone');
    expect(await navigation(alumna, () => form.locator('button[type="submit"]').click())).toBe(200);
    requestPath = new URL(alumna.url()).pathname;
    expect(requestPath).toMatch(/^\/requests\/[0-9a-f-]{36}$/);
    expect(await status(alumna)).toContain(R.flash.sent);
    expect(await mainText(alumna)).toContain(R.requesterStates.new);
    await checkAndShoot(alumna, 'requests-sent-phone');
  });

  test('[REQUESTS][ASSIGN] the operator assigns it from the queue; the employee answers from the mail', async () => {
    ready();
    expect(await visit(operator, '/admin/requests')).toBe(200);
    expect(await mainText(operator)).toContain(R.age.newToday);
    await checkAndShoot(operator, 'requests-queue');
    expect(await navigation(operator, () => operator.getByRole('link', { name: TITLE }).click())).toBe(200);
    const assign = operator.locator(`main form[action="${requestPath}/assign"]`);
    await assign.locator('#f-assigneeId').selectOption({ label: fmt(R.withDetail, { main: CONTACT.name, detail: ja.roles.employee }) });
    expect(await navigation(operator, () => assign.locator('button[type="submit"]').click())).toBe(200);
    expect(await status(operator)).toContain(R.flash.assigned);
    const note = operator.locator(`main form[action="${requestPath}/note"]`);
    await note.locator('#f-note').fill(SECRET);
    expect(await navigation(operator, () => note.locator('button[type="submit"]').click())).toBe(200);
    await checkAndShoot(operator, 'requests-staff-page');

    const assigned = await readMail(CONTACT.email, fmt(ja.mail.requestAssigned.subject, { network: NETWORK.nameJa, title: TITLE }));
    expect(await visit(contact, assigned.link!)).toBe(200);
    expect(await mainText(contact)).toContain(SECRET);
    const reply = contact.locator(`main form[action="${requestPath}/reply"]`);
    await reply.locator('#f-reply').fill('物流部の中村です。来週、オンラインで30分ほどお話ししませんか。');
    expect(await navigation(contact, () => reply.locator('button[type="submit"]').click())).toBe(200);
    const state = contact.locator(`main form[action="${requestPath}/state"]`);
    await state.locator('#f-state').selectOption('connected');
    expect(await navigation(contact, () => state.locator('button[type="submit"]').click())).toBe(422);
    expect(await contact.locator('main .error-summary').textContent()).toContain(R.manage.outcomeRequired);
    await state.locator('#f-outcome').selectOption('project');
    await state.locator('#f-value').fill('3,000,000');
    expect(await navigation(contact, () => state.locator('button[type="submit"]').click())).toBe(200);
    expect(await status(contact)).toContain(R.flash.stateSaved);
    expect(await mainText(contact)).toContain('3,000,000');
    await checkAndShoot(contact, 'requests-contact-page');
  });

  test('[REQUESTS][ANSWERED] the alumna reads the answer from the mail, in plain words, without the internal note', async () => {
    ready();
    const mail = await readMail(ALUMNA.email, fmt(ja.mail.requestReplied.subject, { network: NETWORK.nameJa, title: TITLE }));
    expect(mail.text).toContain('来週、オンラインで30分ほど');
    expect(await visit(alumna, mail.link!)).toBe(200);
    const text = await mainText(alumna);
    expect(text).toContain('来週、オンラインで30分ほど');
    expect(text).toContain(R.requesterStates.connected);
    expect(text).toContain(CONTACT.name);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('3,000,000');
    await expectNoSideScroll(alumna, 375);
    await checkAndShoot(alumna, 'requests-answered-phone');
  });

  test('[REQUESTS][FEEDBACK] feedback sent on the phone is answered and adopted', async () => {
    ready();
    const F = R.feedback;
    expect(await visit(alumna, '/requests')).toBe(200);
    expect(await navigation(alumna, () => alumna.getByRole('link', { name: R.feedbackLink }).click())).toBe(200);
    const form = alumna.locator('main form[action="/feedback/new"]');
    await alumna.getByLabel(F.kinds.idea, { exact: true }).check();
    await form.locator('#f-subject').fill('配送状況のお知らせメール');
    await form.locator('#f-title').fill('到着予定時刻を知らせてほしい');
    await form.locator('#f-body').fill('受け取る側として、到着の1時間前に知らせてもらえると助かります。');
    await expectNoSideScroll(alumna, 375);
    await checkAndShoot(alumna, 'requests-feedback-form-phone');
    expect(await navigation(alumna, () => form.locator('button[type="submit"]').click())).toBe(200);
    const feedbackPath = new URL(alumna.url()).pathname;

    expect(await visit(operator, '/admin/feedback')).toBe(200);
    expect(await mainText(operator)).toContain(F.age.receivedToday);
    await checkAndShoot(operator, 'requests-feedback-queue');
    expect(await visit(operator, feedbackPath)).toBe(200);
    const reply = operator.locator(`main form[action="${feedbackPath}/reply"]`);
    await reply.locator('#f-reply').fill('ありがとうございます。次の改修で取り入れます。');
    expect(await navigation(operator, () => reply.locator('button[type="submit"]').click())).toBe(200);
    const state = operator.locator(`main form[action="${feedbackPath}/state"]`);
    await state.locator('#f-state').selectOption('adopted');
    expect(await navigation(operator, () => state.locator('button[type="submit"]').click())).toBe(200);
    await checkAndShoot(operator, 'requests-feedback-staff-page');

    await readMail(ALUMNA.email, fmt(ja.mail.feedbackStateChanged.subject, { network: NETWORK.nameJa, title: '到着予定時刻を知らせてほしい', state: F.authorStates.adopted }));
    expect(await visit(alumna, feedbackPath)).toBe(200);
    expect(await mainText(alumna)).toContain(F.authorStates.adopted);
    expect(await mainText(alumna)).toContain('次の改修で取り入れます');
    await expectNoSideScroll(alumna, 375);
    await checkAndShoot(alumna, 'requests-feedback-answered-phone');
  });
});
