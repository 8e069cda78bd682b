/** Japanese first, English second: the switch link, and how the choice is remembered. */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fmt } from '../src/shared/i18n/index.ts';
import { checkA11y, checkAndShoot, navigation, pageErrors, visit } from './harness.ts';
import { en, h1, htmlLang, ja, navLabels, NETWORK, OPERATOR, signIn, signOut, networkSuite, openAdmin } from './flows.ts';

describe('language', () => {
  const suite = networkSuite();
  const { ready, freshPage } = suite;
  let operator: Page;
  let secret: string;
  beforeAll(() => ({ operator, secret } = suite.current()));

  async function switchLanguage(page: Page): Promise<void> {
    const before = new URL(page.url()).pathname;
    await navigation(page, () => page.click('header a.lang-switch'));
    expect(new URL(page.url()).pathname, 'the switch stays on the same page').toBe(before);
  }

  test('[I18N][SWITCH] the switch link flips ja ↔ en on the same page and the choice persists', async () => {
    ready();
    const page = await freshPage();
    await visit(page, '/auth/sign-in');
    expect(await htmlLang(page)).toBe('ja');
    expect(await h1(page)).toBe(ja.auth.signInTitle);
    const link = page.locator('header a.lang-switch');
    expect(await link.getAttribute('lang')).toBe('en');
    expect(await link.getAttribute('hreflang')).toBe('en');
    expect(((await link.textContent()) ?? '').trim()).toContain(ja.lang.switchTo);

    await switchLanguage(page);
    expect(await htmlLang(page)).toBe('en');
    expect(await h1(page)).toBe(en.auth.signInTitle);
    expect(await page.title()).toContain(NETWORK.nameEn);
    await checkAndShoot(page, 'sign-in-en');

    // Without ?lang=, the next pages stay in English.
    await navigation(page, () => page.click('nav.site-nav a[href="/auth/sign-up"]'));
    expect(new URL(page.url()).search).toBe('');
    expect(await htmlLang(page)).toBe('en');
    expect(await h1(page)).toBe(en.auth.signUpTitle);
    await checkA11y(page, 'sign-up-en');
    await visit(page, '/');
    expect(await htmlLang(page)).toBe('en');
    expect(await h1(page)).toBe(NETWORK.nameEn);
    await checkAndShoot(page, 'landing-en');

    // And back.
    await switchLanguage(page);
    expect(await htmlLang(page)).toBe('ja');
    expect(await h1(page)).toBe(NETWORK.nameJa);
    await checkAndShoot(page, 'landing-ja');
    await visit(page, '/auth/sign-in');
    expect(await htmlLang(page)).toBe('ja');
    expect(await h1(page)).toBe(ja.auth.signInTitle);

    // A browser that asks for English gets English first.
    const english = await freshPage({ locale: 'en-US' });
    await visit(english, '/auth/sign-in');
    expect(await htmlLang(english)).toBe('en');
    expect(await h1(english)).toBe(en.auth.signInTitle);
    expect(pageErrors(page)).toEqual([]);
  });

  test('[I18N][MEMBER] a member’s choice follows them across pages and to the next sign-in', async () => {
    ready();
    await visit(operator, '/');
    expect(await htmlLang(operator)).toBe('ja');
    await switchLanguage(operator);
    expect(await htmlLang(operator)).toBe('en');
    expect(await h1(operator)).toBe(fmt(en.home.welcome, { name: OPERATOR.name }));
    expect(await navLabels(operator)).toContain(en.nav.admin);
    await checkAndShoot(operator, 'home-en');

    await openAdmin(operator, '/admin/people');
    expect(await htmlLang(operator)).toBe('en');
    expect(await h1(operator)).toBe(en.admin.peopleTitle);
    await checkAndShoot(operator, 'people-en');

    await openAdmin(operator, '/admin/audit');
    expect(await htmlLang(operator)).toBe('en');
    expect(await h1(operator)).toBe(en.admin.auditTitle);
    await checkAndShoot(operator, 'audit-en');

    await openAdmin(operator, '/admin/outbox');
    expect(await h1(operator)).toBe(en.admin.outboxTitle);
    await checkA11y(operator, 'outbox-en');
    await navigation(operator, () => operator.click('nav.site-nav a[href="/account"]'));
    expect(await h1(operator)).toBe(en.account.title);
    expect(await operator.locator('#f-locale').inputValue()).toBe('en');
    await checkAndShoot(operator, 'account-en');

    // The choice is saved with the account: a new browser that prefers Japanese gets English once signed in.
    await signOut(operator);
    const elsewhere = await freshPage();
    await signIn(elsewhere, OPERATOR.email, OPERATOR.password, secret, async () => {
      expect(await htmlLang(elsewhere)).toBe('ja');
    });
    expect(new URL(elsewhere.url()).pathname).toBe('/');
    expect(await htmlLang(elsewhere)).toBe('en');
    expect(await h1(elsewhere)).toBe(fmt(en.home.welcome, { name: OPERATOR.name }));

    // Switching back to Japanese sticks as well.
    await switchLanguage(elsewhere);
    expect(await htmlLang(elsewhere)).toBe('ja');
    await visit(elsewhere, '/admin/people');
    expect(await htmlLang(elsewhere)).toBe('ja');
    expect(await h1(elsewhere)).toBe(ja.admin.peopleTitle);
    await visit(elsewhere, '/account');
    expect(await elsewhere.locator('#f-locale').inputValue()).toBe('ja');
    await checkAndShoot(elsewhere, 'account-ja');
    expect(pageErrors(operator)).toEqual([]);
    expect(pageErrors(elsewhere)).toEqual([]);
  });
});
