/**
 * Accounts that start with an e-mail: a staff invitation, a sign-in link, an alumnus's
 * own sign-up with address confirmation. Mail is read from the outbox folder.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fmt } from '../src/shared/i18n/index.ts';
import { checkA11y, checkAndShoot, navigation, pageErrors, readMail, visit } from './harness.ts';
import { h1, isSignedIn, ja, mailSubject, navLabels, NETWORK, OPERATOR, signIn, signOut, networkSuite } from './flows.ts';

const EMPLOYEE = { name: '佐藤 太郎', nameKana: 'さとう たろう', email: 'taro.sato@example.jp', password: 'employee-password-2024' };
const ALUMNUS = { name: '鈴木 一郎', nameKana: 'すずき いちろう', email: 'ichiro.suzuki@example.com', password: 'alumnus-password-2024' };

describe('accounts through e-mail links', () => {
  const suite = networkSuite();
  const { ready, freshPage } = suite;
  let operator: Page;
  beforeAll(() => ({ operator } = suite.current()));
  let employee: Page;

  test('[PEOPLE][INVITE] operator invites an employee who accepts by e-mail', async () => {
    ready();
    await visit(operator, '/admin/people');
    const invite = operator.locator('form[action="/admin/people/invite"]');
    await invite.locator('input[name="email"]').fill(EMPLOYEE.email);
    await invite.locator('select[name="role"]').selectOption('employee');
    await invite.locator('select[name="locale"]').selectOption('ja');
    expect(await navigation(operator, () => invite.locator('button[type="submit"]').click())).toBe(200);
    expect(new URL(operator.url()).pathname).toBe('/admin/people');
    expect(await operator.locator('main .notice[role="status"]').textContent()).toContain(fmt(ja.admin.inviteSent, { email: EMPLOYEE.email }));
    expect(await operator.locator('main').textContent()).toContain(ja.admin.pendingInvites);
    await checkAndShoot(operator, 'people-invited-ja');

    const mail = await readMail(EMPLOYEE.email, mailSubject('ja', 'staffInvitation', { role: ja.roles.employee }));
    expect(mail.text).toContain(OPERATOR.name);
    expect(mail.html).toContain('<html lang="ja">');
    expect(mail.link).toMatch(/\/invite\/staff\?token=/);

    employee = await freshPage();
    expect(await visit(employee, mail.link!)).toBe(200);
    expect(await h1(employee)).toBe(fmt(ja.staffInvite.title, { network: NETWORK.nameJa }));
    expect(await employee.locator('main .lead').textContent()).toContain(ja.roles.employee);
    await checkAndShoot(employee, 'invite-accept-ja');

    // The form keeps the token when it comes back with errors.
    expect(await navigation(employee, () => employee.click('form[action="/invite/staff"] button[type="submit"]'))).toBe(422);
    expect(await employee.locator('.error-summary a[href="#f-name"]').count()).toBe(1);
    await checkA11y(employee, 'invite-accept-errors-ja');

    await employee.fill('#f-name', EMPLOYEE.name);
    await employee.fill('#f-nameKana', EMPLOYEE.nameKana);
    await employee.fill('#f-password', EMPLOYEE.password);
    await employee.fill('#f-passwordConfirm', EMPLOYEE.password);
    expect(await navigation(employee, () => employee.click('form[action="/invite/staff"] button[type="submit"]'))).toBe(200);
    expect(new URL(employee.url()).pathname).toBe('/');
    expect(await isSignedIn(employee)).toBe(true);
    expect(await h1(employee)).toBe(fmt(ja.home.welcome, { name: EMPLOYEE.name }));
    expect(await employee.locator('footer').textContent()).toContain(ja.roles.employee);
    // Employees see no operator pages.
    expect(await navLabels(employee)).not.toContain(ja.nav.admin);
    await checkAndShoot(employee, 'home-employee-ja');

    // The invitation works once.
    const again = await freshPage();
    expect(await visit(again, mail.link!)).toBe(410);
    expect(await again.locator('main').textContent()).toContain(ja.staffInvite.invalid);

    // The operator now sees the employee in the list and no pending invitation.
    await visit(operator, '/admin/people');
    const people = (await operator.locator('main table').last().textContent()) ?? '';
    expect(people).toContain(EMPLOYEE.email);
    expect(await operator.locator('form[action^="/admin/invitations/"]').count()).toBe(0);

    await signOut(employee);
    expect(await isSignedIn(employee)).toBe(false);
    expect(pageErrors(operator)).toEqual([]);
    expect(pageErrors(employee)).toEqual([]);
  });

  test('[AUTH][MAGIC-LINK] employee signs in with an e-mail link after confirming', async () => {
    ready();
    expect(employee, 'the invitation spec must have run').toBeDefined();
    await visit(employee, '/auth/sign-in');
    const request = employee.locator('form[action="/auth/magic-link/request"]');
    // The link form's field has its own label (a second #f-email would leave it nameless).
    await employee.getByLabel(ja.auth.email, { exact: false }).nth(1).fill(EMPLOYEE.email);
    expect(await request.locator('input[name="email"]').inputValue()).toBe(EMPLOYEE.email);
    expect(await navigation(employee, () => request.locator('button[type="submit"]').click())).toBe(200);
    expect(await h1(employee)).toBe(ja.auth.magicTitle);
    expect(await employee.locator('main [role="status"]').textContent()).toContain(ja.auth.magicSent);
    await checkA11y(employee, 'magic-link-sent-ja');

    const mail = await readMail(EMPLOYEE.email, mailSubject('ja', 'magicLink'));
    expect(mail.link).toMatch(/\/auth\/magic-link\?token=/);

    // Opening the link only shows a confirmation: a mail scanner following it signs nobody in.
    expect(await visit(employee, mail.link!)).toBe(200);
    expect(await h1(employee)).toBe(ja.auth.magicConfirmTitle);
    expect(await isSignedIn(employee)).toBe(false);
    await checkAndShoot(employee, 'magic-link-confirm-ja');

    expect(await navigation(employee, () => employee.click('form[action="/auth/magic-link"] button[type="submit"]'))).toBe(200);
    expect(new URL(employee.url()).pathname).toBe('/');
    expect(await isSignedIn(employee)).toBe(true);
    expect(await h1(employee)).toBe(fmt(ja.home.welcome, { name: EMPLOYEE.name }));

    // The link works once.
    const other = await freshPage();
    await visit(other, mail.link!);
    expect(await navigation(other, () => other.click('form[action="/auth/magic-link"] button[type="submit"]'))).toBe(400);
    expect(await other.locator('main [role="status"]').textContent()).toContain(ja.auth.magicInvalid);
    expect(await isSignedIn(other)).toBe(false);
    await checkA11y(other, 'magic-link-used-ja');

    // The operator's audit log records it.
    await visit(operator, '/admin/audit?action=auth.sign_in_magic_link');
    expect(await operator.locator('main table tbody').textContent()).toContain(EMPLOYEE.email);
    expect(pageErrors(employee)).toEqual([]);
  });

  test('[AUTH][SIGN-UP] an alumnus signs up, confirms the address and waits for approval', async () => {
    ready();
    const page = await freshPage();
    await visit(page, '/auth/sign-up');
    expect(await h1(page)).toBe(ja.auth.signUpTitle);
    await checkAndShoot(page, 'sign-up-ja');

    await page.fill('#f-name', ALUMNUS.name);
    await page.fill('#f-nameKana', ALUMNUS.nameKana);
    await page.fill('#f-email', ALUMNUS.email);
    await page.fill('#f-password', ALUMNUS.password);
    await page.fill('#f-passwordConfirm', ALUMNUS.password);
    await page.check('#f-purposeConsent');
    expect(await navigation(page, () => page.click('form[action="/auth/sign-up"] button[type="submit"]'))).toBe(200);
    expect(await page.locator('main [role="status"]').textContent()).toContain(ja.auth.signUpSent);
    await checkA11y(page, 'sign-up-sent-ja');

    // Before confirming, the password is refused with a hint to confirm first.
    await signIn(page, ALUMNUS.email, ALUMNUS.password);
    expect(new URL(page.url()).pathname).toBe('/auth/sign-in');
    expect(await page.locator('main [role="alert"]').textContent()).toContain(ja.auth.verifyNeeded);

    const mail = await readMail(ALUMNUS.email, mailSubject('ja', 'verifyEmail'));
    expect(mail.text).toContain(ALUMNUS.name);
    expect(mail.link).toMatch(/\/auth\/verify-email\?token=/);
    expect(await visit(page, mail.link!)).toBe(200);
    expect(await h1(page)).toBe(ja.auth.verifyTitle);
    await checkA11y(page, 'verify-email-ja');
    expect(await navigation(page, () => page.click('form[action="/auth/verify-email"] button[type="submit"]'))).toBe(200);
    expect(await page.locator('main [role="status"]').textContent()).toContain(ja.auth.verifyDone);
    await checkA11y(page, 'verify-email-done-ja');

    await signIn(page, ALUMNUS.email, ALUMNUS.password);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await h1(page)).toBe(fmt(ja.home.welcome, { name: ALUMNUS.name }));
    expect(await page.locator('main .notice').textContent()).toContain(ja.verification.status.pending);
    expect(await page.locator('footer').textContent()).toContain(ja.roles.alumnus);
    await checkAndShoot(page, 'home-pending-ja');
    expect(pageErrors(page)).toEqual([]);
  });
});
