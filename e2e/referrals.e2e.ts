/**
 * Referrals and rewards in a real browser (issue 7): the operator says what a referral and a
 * hire earn and posts an opportunity open to referrals; an alumnus on a 375 px phone refers a
 * friend from the opportunity's page (first forgetting the friend's agreement: the form comes
 * back with the error and the input kept), follows the status on their referrals page; the
 * operator works the pipeline to hired; the alumnus reads "入社が決まりました" (page and mail)
 * and finds both rewards in their ledger; the operator approves and pays the hire reward and
 * the alumnus sees it paid. Every page passes axe; screenshots in tmp/screenshots/referrals-*.png.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fmt } from '../src/shared/i18n/index.ts';
import { checkAndShoot, navigation, readMail, visit } from './harness.ts';
import { expectNoSideScroll, h1, inviteLeavers, ja, joinFromInvitation, mainText, NETWORK, networkSuite, tokyoDate, type Leaver } from './flows.ts';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
const R = ja.referrals;
const W = R.rewards;
const REFERRER: Leaver & { password: string } = { number: 'E7101', name: '井上 真理', kana: 'イノウエ マリ', email: 'mari.inoue@example.com', password: 'mari-inoue-2024' };
const CANDIDATE = { name: '森 健太', email: 'kenta.mori@example.net', phone: '090-1234-5678', note: '前職で3年一緒に**設備保全**を担当しました。' };
const OPPORTUNITY = { title: '設備保全エンジニア（名古屋工場）', description: '## 仕事内容\n\n工場設備の**予防保全**と改善。', location: '愛知県名古屋市' };

describe('referrals and rewards', () => {
  const suite = networkSuite();
  const { ready, freshPage } = suite;
  let operator: Page;
  let alumnus: Page;
  let opportunityPath = '';
  let referralId = '';
  beforeAll(() => ({ operator } = suite.current()));

  const status = async (page: Page) => (await page.locator('main [role="status"]').first().textContent()) ?? '';

  test('[REFERRALS][SETUP] the operator sets what referrals earn and posts an opportunity open to referrals; a leaver joins', async () => {
    ready();
    expect(await visit(operator, '/admin/rewards')).toBe(200);
    const submitted = operator.locator('main form[action="/admin/rewards/rules/referral_submitted"]');
    await submitted.getByLabel(W.kinds.points, { exact: true }).check();
    await submitted.locator('#f-amount-referral_submitted').fill('100');
    await submitted.locator('#f-description-referral_submitted').fill('ご紹介へのお礼ポイント');
    expect(await navigation(operator, () => submitted.locator('button[type="submit"]').click())).toBe(200);
    expect(await status(operator)).toContain(W.admin.saved);
    const hired = operator.locator('main form[action="/admin/rewards/rules/referral_hired"]');
    await hired.getByLabel(W.kinds.amount, { exact: true }).check();
    // Left empty first: the amount is asked for next to the field.
    await hired.locator('#f-description-referral_hired').fill('入社お祝い金');
    expect(await navigation(operator, () => hired.locator('button[type="submit"]').click())).toBe(422);
    expect(await operator.locator('main .error-summary').textContent()).toContain('1 から 10,000,000 までの整数');
    await operator.locator('#f-amount-referral_hired').fill('３０,０００');
    expect(await navigation(operator, () => operator.locator('main form[action="/admin/rewards/rules/referral_hired"] button[type="submit"]').click())).toBe(200);
    expect(await mainText(operator)).toContain('現在：30,000 円（入社お祝い金）');
    await checkAndShoot(operator, 'referrals-reward-rules');

    expect(await visit(operator, '/admin/opportunities/new')).toBe(200);
    const form = operator.locator('main form[action="/admin/opportunities/new"]');
    await form.locator('#f-kind').selectOption('full_time');
    await form.locator('#f-title').fill(OPPORTUNITY.title);
    await form.locator('#f-description').fill(OPPORTUNITY.description);
    await form.locator('#f-location').fill(OPPORTUNITY.location);
    await form.locator('#f-closesOn').fill(tokyoDate(30));
    await form.locator('input[name="audience"][value="alumni_employees"]').check();
    expect(await form.locator('input[name="referralsOpen"]').isChecked()).toBe(true);
    expect(await navigation(operator, () => form.locator('button[name="intent"][value="publish"]').click())).toBe(200);
    expect(await h1(operator)).toBe(OPPORTUNITY.title);
    opportunityPath = new URL(operator.url()).pathname;

    await inviteLeavers(operator, '設備部', [REFERRER]);
    alumnus = await freshPage(PHONE);
    await joinFromInvitation(alumnus, REFERRER.email, REFERRER.password);
  });

  test('[REFERRALS][REFER] on a phone, the alumnus refers a friend; the agreement is required', async () => {
    ready();
    expect(await visit(alumnus, opportunityPath)).toBe(200);
    expect(await navigation(alumnus, () => alumnus.getByRole('link', { name: ja.opportunities.page.refer }).click())).toBe(200);
    expect(await h1(alumnus)).toBe(fmt(R.refer.title, { title: OPPORTUNITY.title }));
    const form = alumnus.locator(`main form[action="${opportunityPath}/refer"]`);
    await form.locator('#f-candidateName').fill(CANDIDATE.name);
    await form.locator('#f-candidateEmail').fill(CANDIDATE.email);
    await form.locator('#f-candidatePhone').fill(CANDIDATE.phone);
    await form.locator('#f-note').fill(CANDIDATE.note);
    await expectNoSideScroll(alumnus, 375);
    await checkAndShoot(alumnus, 'referrals-form-phone');
    // The browser itself asks for the box (it is `required`); without that check the server refuses too.
    await form.locator('#f-agreed').evaluate((el) => el.removeAttribute('required'));
    expect(await navigation(alumnus, () => form.locator('button[type="submit"]').click())).toBe(422);
    expect(await alumnus.locator('main .error-summary').textContent()).toContain(R.errors.agreed);
    expect(await alumnus.locator('#f-candidateName').inputValue()).toBe(CANDIDATE.name);
    expect(await alumnus.locator('#f-note').inputValue()).toBe(CANDIDATE.note);
    await checkAndShoot(alumnus, 'referrals-form-error-phone');

    await alumnus.locator('#f-agreed').check();
    expect(await navigation(alumnus, () => alumnus.locator(`main form[action="${opportunityPath}/refer"] button[type="submit"]`).click())).toBe(200);
    expect(new URL(alumnus.url()).pathname).toBe('/referrals');
    expect(await status(alumnus)).toContain(R.refer.submitted);
    const row = alumnus.locator('main li.card', { hasText: CANDIDATE.name });
    expect(await row.textContent()).toContain(R.statuses.received);
    referralId = ((await row.getAttribute('id')) ?? '').replace('referral-', '');
    expect(referralId).toMatch(/^[0-9a-f-]{36}$/);
    await expectNoSideScroll(alumnus, 375);
    await checkAndShoot(alumnus, 'referrals-mine-phone');
  });

  test('[REFERRALS][PIPELINE] the operator moves the referral to hired; the alumnus sees it in plain words, by page and mail', async () => {
    ready();
    expect(await visit(operator, '/admin/referrals')).toBe(200);
    await checkAndShoot(operator, 'referrals-pipeline');
    expect(await navigation(operator, () => operator.click(`main a[href="/admin/referrals/${referralId}"]`))).toBe(200);
    const text = await mainText(operator);
    expect(text).toContain(CANDIDATE.email);
    expect(text).toContain(CANDIDATE.phone);
    expect(await operator.locator('main strong', { hasText: '設備保全' }).count()).toBe(1);
    await operator.locator('#f-body').fill('来週、カジュアル面談を設定。');
    expect(await navigation(operator, () => operator.click(`main form[action="/admin/referrals/${referralId}/notes"] button[type="submit"]`))).toBe(200);
    expect(await status(operator)).toContain(R.case.noteAdded);
    for (const stage of ['casual_talk', 'interviews', 'offer', 'hired'] as const) {
      await operator.locator('#f-stage').selectOption(stage);
      expect(await navigation(operator, () => operator.click(`main form[action="/admin/referrals/${referralId}/stage"] button[type="submit"]`))).toBe(200);
      expect(await status(operator)).toContain(R.case.moved);
    }
    expect(await mainText(operator)).toContain(R.stages.hired);
    await checkAndShoot(operator, 'referrals-case');

    const mail = await readMail(REFERRER.email, fmt(ja.mail.referralStatus.subject, { network: NETWORK.nameJa, candidate: CANDIDATE.name, status: R.statuses.hired }));
    expect(mail.text).toContain(OPPORTUNITY.title);
    expect(mail.text).toContain('/rewards');
    expect(await visit(alumnus, '/referrals')).toBe(200);
    const mine = await mainText(alumnus);
    expect(mine).toContain(R.statuses.hired);
    expect(mine).not.toContain('カジュアル面談を設定');
  });

  test('[REFERRALS][REWARD] the referral earned its rewards; the operator approves and pays the hire reward; the alumnus sees it paid', async () => {
    ready();
    expect(await visit(alumnus, '/rewards')).toBe(200);
    let text = await mainText(alumnus);
    expect(text).toContain('100 ポイント');
    expect(text).toContain('30,000 円');
    expect(text).toContain(fmt(W.referralDetail, { candidate: CANDIDATE.name, opportunity: OPPORTUNITY.title }));
    await expectNoSideScroll(alumnus, 375);
    await checkAndShoot(alumnus, 'referrals-rewards-phone');

    expect(await visit(operator, `/admin/rewards?q=${encodeURIComponent(REFERRER.email)}`)).toBe(200);
    const row = () => operator.locator('main tr', { hasText: W.triggers.referral_hired });
    expect(await navigation(operator, () => row().locator('form[action$="/approve"] button').click())).toBe(200);
    expect(await status(operator)).toContain(W.admin.approved);
    expect(await navigation(operator, () => row().locator('form[action$="/pay"] button').click())).toBe(200);
    expect(await status(operator)).toContain(W.admin.paid);
    expect(await row().textContent()).toContain(W.states.paid);
    await checkAndShoot(operator, 'referrals-ledger');

    await readMail(REFERRER.email, fmt(ja.mail.rewardStatus.subject, { network: NETWORK.nameJa, status: W.paidAs.amount }));
    expect(await visit(alumnus, '/rewards')).toBe(200);
    text = await mainText(alumnus);
    expect(await alumnus.locator('main [data-state="paid"] [data-total="yen"]').getAttribute('data-value')).toBe('30000');
    expect(text).toContain(W.paidAs.amount);
  });
});
