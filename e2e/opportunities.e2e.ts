/**
 * Opportunities and return applications in a real browser (issue 7): the operator posts an
 * opportunity; an alumnus (on the HR roster, rehire eligible) on a 375 px phone opens the door
 * to returning, reads the opportunity, and applies to return through the open door with reasons;
 * the operator sees 再雇用可否 and moves the application through casual talk, interviews and
 * offer to hired with messages; the alumnus sees each status in plain words (page and e-mail)
 * and becomes an employee again. The pipeline pages and the insights pass axe and are
 * photographed in tmp/screenshots/opportunities-*.png.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fmt } from '../src/shared/i18n/index.ts';
import { checkAndShoot, navigation, readMail, visit } from './harness.ts';
import { expectNoSideScroll, h1, inviteLeavers, ja, joinFromInvitation, mainText, NETWORK, networkSuite, tokyoDate, type Leaver } from './flows.ts';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
const O = ja.opportunities;
const RETURNER: Leaver & { password: string } = { number: 'E7001', name: '松本 直樹', kana: 'マツモト ナオキ', email: 'naoki.matsumoto@example.com', password: 'naoki-matsumoto-2024' };
const OPPORTUNITY = {
  title: '生産管理システムのプロダクトマネージャー',
  description: '## 仕事内容\n\n工場の**生産管理システム**を、現場と一緒に育てていただきます。\n\n- 要件定義から導入まで\n- 週2日までリモート可',
  location: '東京都千代田区(本社)',
};

describe('opportunities and return applications', () => {
  const suite = networkSuite();
  const { ready, freshPage } = suite;
  let operator: Page;
  let alumnus: Page;
  let applicationPath = '';
  beforeAll(() => ({ operator } = suite.current()));

  /** The flash message at the top of the page. */
  const status = async (page: Page) => (await page.locator('main [role="status"]').first().textContent()) ?? '';

  test('[OPPORTUNITIES][SETUP] a leaver joins; the operator posts an opportunity for alumni', async () => {
    ready();
    await inviteLeavers(operator, '生産技術部', [RETURNER]);
    alumnus = await freshPage(PHONE);
    await joinFromInvitation(alumnus, RETURNER.email, RETURNER.password);

    expect(await visit(operator, '/admin/opportunities/new')).toBe(200);
    const form = operator.locator('main form[action="/admin/opportunities/new"]');
    await form.locator('#f-kind').selectOption('full_time');
    await form.locator('#f-title').fill(OPPORTUNITY.title);
    await form.locator('#f-description').fill(OPPORTUNITY.description);
    await form.locator('#f-location').fill(OPPORTUNITY.location);
    await form.locator('input[name="workStyle"][value="hybrid"]').check();
    await form.locator('#f-closesOn').fill(tokyoDate(30));
    await form.locator('input[name="audience"][value="alumni"]').check();
    await checkAndShoot(operator, 'opportunities-editor');
    expect(await navigation(operator, () => form.locator('button[name="intent"][value="publish"]').click())).toBe(200);
    expect(await h1(operator)).toBe(OPPORTUNITY.title);
    expect(await status(operator)).toContain(O.editor.published);
    expect(await visit(operator, '/admin/opportunities')).toBe(200);
    await checkAndShoot(operator, 'opportunities-admin-list');
  });

  test('[OPPORTUNITIES][OPEN-DOOR] on a phone, the alumnus opens the door, reads the opportunity and applies to return', async () => {
    ready();
    expect(await visit(alumnus, '/opportunities')).toBe(200);
    expect(await mainText(alumnus)).toContain(O.door.isClosed);
    expect(await navigation(alumnus, () => alumnus.getByRole('button', { name: O.door.open }).click())).toBe(200);
    expect(await status(alumnus)).toContain(O.door.opened);
    expect(await mainText(alumnus)).toContain(O.door.isOpen);
    await expectNoSideScroll(alumnus, 375);
    await checkAndShoot(alumnus, 'opportunities-list-phone');

    expect(await navigation(alumnus, () => alumnus.getByRole('link', { name: OPPORTUNITY.title }).click())).toBe(200);
    expect(await alumnus.locator('main strong', { hasText: '生産管理システム' }).count()).toBe(1);
    await expectNoSideScroll(alumnus, 375);
    await checkAndShoot(alumnus, 'opportunities-page-phone');

    expect(await visit(alumnus, '/opportunities')).toBe(200);
    expect(await navigation(alumnus, () => alumnus.getByRole('link', { name: O.door.returnLink }).click())).toBe(200);
    expect(await h1(alumnus)).toBe(O.returnForm.title);
    // Nothing said: the form comes back with the error next to the first field.
    expect(await navigation(alumnus, () => alumnus.click('main form[action="/opportunities/return"] button[type="submit"]'))).toBe(422);
    expect(await alumnus.locator('main .error-summary').textContent()).toContain(O.errors.returnEmpty);
    await alumnus.fill('#f-whatChanged', '子どもが小学生になり、フルタイムで働けるようになりました。');
    await alumnus.fill('#f-whatNeeded', '週2日のリモートと、生産管理に関わる仕事。');
    await alumnus.getByLabel(O.reasons.people, { exact: true }).check();
    await alumnus.getByLabel(O.reasons.mission, { exact: true }).check();
    await expectNoSideScroll(alumnus, 375);
    await checkAndShoot(alumnus, 'opportunities-return-form-phone');
    expect(await navigation(alumnus, () => alumnus.click('main form[action="/opportunities/return"] button[type="submit"]'))).toBe(200);
    applicationPath = new URL(alumnus.url()).pathname;
    expect(applicationPath).toMatch(/^\/applications\/[0-9a-f-]{36}$/);
    expect(await status(alumnus)).toContain(O.returnForm.sent);
    expect(await mainText(alumnus)).toContain(O.applicantStages.received);
    await checkAndShoot(alumnus, 'opportunities-application-received-phone');
    const mail = await readMail(RETURNER.email, fmt(ja.mail.applicationReceived.subject, { network: NETWORK.nameJa, title: O.returnTitle }));
    expect(mail.link).toContain(applicationPath);
  });

  test('[OPPORTUNITIES][PIPELINE] the operator sees 再雇用可否 and moves the application to hired; the alumnus sees every status and becomes an employee', async () => {
    ready();
    const id = applicationPath.split('/').pop()!;
    expect(await visit(operator, '/admin/applications')).toBe(200);
    expect(await operator.locator(`main a[href="/admin/applications/${id}"]`).textContent()).toContain(RETURNER.name);
    await checkAndShoot(operator, 'opportunities-pipeline-board');
    expect(await navigation(operator, () => operator.click(`main a[href="/admin/applications/${id}"]`))).toBe(200);
    expect(await mainText(operator)).toContain(O.detail.rehireValues.yes);
    await checkAndShoot(operator, 'opportunities-pipeline-detail');

    const steps = [
      { stage: 'casual_talk', message: '一度、気軽にお話ししませんか。来週のご都合を教えてください。' },
      { stage: 'interviews', message: '' },
      { stage: 'offer', message: 'オファーレターをお送りしました。' },
      { stage: 'hired', message: 'おかえりなさい。4月からよろしくお願いします。' },
    ] as const;
    for (const step of steps) {
      const form = operator.locator(`main form[action="/admin/applications/${id}/stage"]`);
      await form.locator('#f-stage').selectOption(step.stage);
      await form.locator('#f-message').fill(step.message);
      if (step.stage === 'hired') await form.locator('#f-startsOn').fill(tokyoDate(14));
      expect(await navigation(operator, () => form.locator('button[type="submit"]').click())).toBe(200);
      expect(await status(operator)).toContain(step.stage === 'hired' ? O.detail.rehiredDone : O.detail.moved);

      expect(await visit(alumnus, applicationPath)).toBe(200);
      const text = await mainText(alumnus);
      expect(text).toContain(O.applicantStages[step.stage]);
      if (step.message) expect(text).toContain(step.message);
      expect(text).not.toContain(O.detail.rehire);
      const mail = await readMail(RETURNER.email, fmt(ja.mail.applicationUpdated.subject, { network: NETWORK.nameJa, title: O.returnTitle }));
      expect(mail.text).toContain(O.applicantStages[step.stage]);
    }
    await expectNoSideScroll(alumnus, 375);
    await checkAndShoot(alumnus, 'opportunities-application-hired-phone');
    // Rehired: the alumnus is an employee again from their next page on.
    expect(await visit(alumnus, '/')).toBe(200);
    expect(await mainText(alumnus)).toContain(ja.roles.employee);
    await checkAndShoot(operator, 'opportunities-pipeline-hired');
  });

  test('[OPPORTUNITIES][INSIGHTS] the operator sees the counts of reasons, never the answers', async () => {
    ready();
    expect(await visit(operator, '/admin/applications/insights?kind=return')).toBe(200);
    const text = await mainText(operator);
    expect(text).toContain(fmt(O.insights.reasonsIntro, { answered: 1 }));
    expect(text).not.toContain('フルタイムで働けるように');
    expect(text).not.toContain(RETURNER.name);
    await checkAndShoot(operator, 'opportunities-insights');
  });
});
