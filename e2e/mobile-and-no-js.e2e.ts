/** Small screens (360 px) and browsers with JavaScript turned off. */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fmt } from '../src/shared/i18n/index.ts';
import { checkA11y, checkAndShoot, horizontalOverflow, pageErrors, shot, visit } from './harness.ts';
import { en, h1, htmlLang, isSignedIn, ja, OPERATOR, signIn, networkSuite } from './flows.ts';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };

describe('small screens and no JavaScript', () => {
  const suite = networkSuite();
  const { ready, freshPage } = suite;
  let secret: string;
  beforeAll(() => ({ secret } = suite.current()));

  async function expectNoSideScroll(page: Page): Promise<void> {
    const o = await horizontalOverflow(page);
    expect(o.scrollWidth, `${page.url()} scrolls sideways (${o.scrollWidth} px; wide: ${o.widest.join(', ')})`).toBeLessThanOrEqual(360 + 1);
  }

  test('[MOBILE][LAYOUT] sign-in and people pages fit a 360 px screen', async () => {
    ready();
    const page = await freshPage(PHONE);
    await visit(page, '/auth/sign-in');
    await expectNoSideScroll(page);
    await checkAndShoot(page, 'sign-in-360-ja');
    await visit(page, '/auth/sign-in?lang=en');
    expect(await htmlLang(page)).toBe('en');
    await expectNoSideScroll(page);
    await checkAndShoot(page, 'sign-in-360-en');
    await visit(page, '/auth/sign-in?lang=ja');

    await signIn(page, OPERATOR.email, OPERATOR.password, secret, async () => {
      await expectNoSideScroll(page);
      await checkA11y(page, 'two-factor-360-ja');
    });
    expect(new URL(page.url()).pathname).toBe('/');
    await expectNoSideScroll(page);
    await checkAndShoot(page, 'home-360-ja');

    await visit(page, '/admin/people');
    expect(await h1(page)).toBe(ja.admin.peopleTitle);
    await expectNoSideScroll(page);
    await checkAndShoot(page, 'people-360-ja');

    await visit(page, '/admin/audit');
    await expectNoSideScroll(page);
    await checkAndShoot(page, 'audit-360-ja');
    // The wide table scrolls inside its wrapper, which keyboard users can focus and scroll.
    const wrap = page.locator('main .table-wrap');
    const box = await wrap.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, tabIndex: (el as HTMLElement).tabIndex, role: el.getAttribute('role') }));
    expect(box.scroll).toBeGreaterThan(box.client);
    expect(box).toMatchObject({ tabIndex: 0, role: 'region' });
    await wrap.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await shot(page, 'audit-360-scrolled-ja');

    await visit(page, '/admin/people?lang=en');
    expect(await h1(page)).toBe(en.admin.peopleTitle);
    await expectNoSideScroll(page);
    await checkAndShoot(page, 'people-360-en');
    await visit(page, '/?lang=ja');
    expect(pageErrors(page)).toEqual([]);
  });

  test('[NO-JS][SIGN-IN] password sign-in with a two-factor code works with JavaScript off', async () => {
    ready();
    const page = await freshPage({ javaScriptEnabled: false });
    await visit(page, '/');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await isSignedIn(page)).toBe(false);
    await checkA11y(page, 'landing-nojs-ja');

    await signIn(page, OPERATOR.email, OPERATOR.password, secret, async () => {
      expect(await h1(page)).toBe(ja.auth.twoFactorTitle);
      await checkA11y(page, 'two-factor-nojs-ja');
    });
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await isSignedIn(page)).toBe(true);
    expect(await h1(page)).toBe(fmt(ja.home.welcome, { name: OPERATOR.name }));
    await checkA11y(page, 'home-nojs-ja');

    // Plain links and GET forms work too.
    await visit(page, '/admin/audit?action=auth.sign_in');
    expect(await page.locator('main table tbody').textContent()).toContain(OPERATOR.email);
    await checkA11y(page, 'audit-nojs-ja');
    expect(pageErrors(page)).toEqual([]);
  });
});
