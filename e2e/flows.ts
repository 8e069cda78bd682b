/**
 * Steps several spec files share: the setup wizard, two-factor enrolment, signing in
 * and out. Strings come from the message catalogues, so a change of wording does not
 * break the tests.
 */
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, expect } from 'vitest';
import { fmt, messages, type Locale } from '../src/shared/i18n/index.ts';
import { horizontalOverflow, launchBrowser, navigation, newPage, readMail, startServer, suiteSetup, visit, type ServerHandle } from './harness.ts';

export const ja = messages('ja');
export const en = messages('en');
export const m = (locale: Locale) => messages(locale);

export const NETWORK = {
  nameJa: '東邦精機 アルムナイネットワーク',
  nameEn: 'Toho Seiki Alumni Network',
  purposeJa: '元社員と現役社員がつながり、情報交換や再雇用の機会を広げるためのネットワークです。営業目的の勧誘には使いません。',
  purposeEn: 'A network where former and current employees stay in touch, share news and find ways to work together again.',
  rulesJa: '1. お互いを尊重してください。\n2. 機密情報を投稿しないでください。\n3. 個人情報は本人の同意なく共有しないでください。',
  rulesEn: '1. Respect each other.\n2. Do not post confidential information.\n3. Do not share personal data without consent.',
  timeZone: 'Asia/Tokyo',
};

export const OPERATOR = {
  name: '山田 花子',
  nameKana: 'やまだ はなこ',
  email: 'hanako.yamada@example.jp',
  password: 'kizuna-operator-pass-2024',
};

/** A six-digit TOTP code for a base32 secret; avoids the last second of a period. */
export async function totp(secret: string): Promise<string> {
  const gen = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  const left = 30 - (Math.floor(Date.now() / 1000) % 30);
  if (left <= 1) await new Promise((r) => setTimeout(r, left * 1000 + 100));
  return gen.generate();
}

export async function htmlLang(page: Page): Promise<string | null> {
  return page.locator('html').getAttribute('lang');
}

export async function h1(page: Page): Promise<string> {
  return ((await page.locator('main h1').first().textContent()) ?? '').trim();
}

/** Fills every field of the setup wizard (the page must be /setup). */
export async function fillSetupForm(page: Page): Promise<void> {
  await page.fill('#f-nameJa', NETWORK.nameJa);
  await page.fill('#f-nameEn', NETWORK.nameEn);
  await page.check('input[name="operatorType"][value="company"]');
  await page.fill('#f-purposeJa', NETWORK.purposeJa);
  await page.fill('#f-purposeEn', NETWORK.purposeEn);
  await page.fill('#f-rulesJa', NETWORK.rulesJa);
  await page.fill('#f-rulesEn', NETWORK.rulesEn);
  await page.selectOption('#f-timeZone', NETWORK.timeZone);
  await page.fill('#f-name', OPERATOR.name);
  await page.fill('#f-nameKana', OPERATOR.nameKana);
  await page.fill('#f-email', OPERATOR.email);
  await page.fill('#f-password', OPERATOR.password);
  await page.fill('#f-passwordConfirm', OPERATOR.password);
}

export async function submitSetup(page: Page): Promise<number> {
  return navigation(page, () => page.click('main form[action="/setup"] button[type="submit"]'));
}

/** On /account/two-factor: confirms the password, reads the key, enters a code. Returns the base32 secret. */
export async function enrolTwoFactor(page: Page, password: string, beforeVerify?: () => Promise<void>): Promise<string> {
  expect(new URL(page.url()).pathname).toBe('/account/two-factor');
  await page.fill('form[action="/account/two-factor/enable"] input[name="password"]', password);
  expect(await navigation(page, () => page.click('form[action="/account/two-factor/enable"] button[type="submit"]'))).toBe(200);
  const secret = ((await page.locator('code.secret').textContent()) ?? '').trim();
  expect(secret).toMatch(/^[A-Z2-7]{16,}=*$/);
  if (beforeVerify) await beforeVerify();
  await page.fill('form[action="/account/two-factor/verify"] input[name="code"]', await totp(secret));
  await navigation(page, () => page.click('form[action="/account/two-factor/verify"] button[type="submit"]'));
  expect(new URL(page.url()).pathname).toBe('/');
  return secret;
}

/** Runs the whole setup wizard and two-factor enrolment in `page`; returns the operator's TOTP secret. */
export async function setUpNetwork(page: Page): Promise<string> {
  await visit(page, '/setup');
  await fillSetupForm(page);
  await submitSetup(page);
  return enrolTwoFactor(page, OPERATOR.password);
}

/** Signs in with a password (and a TOTP code when `secret` is given); ends on the page after sign-in. */
export async function signIn(page: Page, email: string, password: string, secret?: string, onTwoFactorPage?: () => Promise<void>): Promise<void> {
  await visit(page, '/auth/sign-in');
  await page.fill('form[action="/auth/sign-in"] input[name="email"]', email);
  await page.fill('form[action="/auth/sign-in"] input[name="password"]', password);
  await navigation(page, () => page.click('form[action="/auth/sign-in"] button[type="submit"]'));
  if (secret) {
    expect(new URL(page.url()).pathname).toBe('/auth/two-factor');
    if (onTwoFactorPage) await onTwoFactorPage();
    await page.fill('form[action="/auth/two-factor"] input[name="code"]', await totp(secret));
    await navigation(page, () => page.click('form[action="/auth/two-factor"] button[type="submit"]'));
  }
}

export async function signOut(page: Page): Promise<void> {
  await navigation(page, () => page.click('header form[action="/auth/sign-out"] button[type="submit"]'));
  expect(new URL(page.url()).pathname).toBe('/auth/sign-in');
}

/** True when the header offers "sign out", i.e. someone is signed in. */
export async function isSignedIn(page: Page): Promise<boolean> {
  return (await page.locator('header form[action="/auth/sign-out"]').count()) > 0;
}

/** Opens an administration page the way staff do: the "管理" link in the navigation, then the page's link on the hub. */
export async function openAdmin(page: Page, href: string): Promise<void> {
  await navigation(page, () => page.click('nav.site-nav a[href="/admin"]'));
  await navigation(page, () => page.click(`main .admin-hub a[href="${href}"]`));
}

/** Texts of the main navigation's links. */
export async function navLabels(page: Page): Promise<string[]> {
  return (await page.locator('nav.site-nav a').allTextContents()).map((t) => t.trim());
}

export function mailSubject(locale: Locale, template: 'magicLink' | 'verifyEmail' | 'staffInvitation' | 'resetPassword', vars: Record<string, string> = {}): string {
  const network = locale === 'ja' ? NETWORK.nameJa : NETWORK.nameEn;
  return fmt(m(locale).mail[template].subject, { network, ...vars });
}

/** What a spec file shares: one server from the migrated template, a browser, the operator. */
export interface NetworkSuite {
  /** Call first in every test: rethrows a failed setup. */
  ready(): void;
  /** A page in a new browser context (closed after the file). */
  freshPage(options?: Parameters<typeof newPage>[1]): Promise<Page>;
  /** The server, the operator's page (signed in with two-factor) and their TOTP secret. */
  current(): { server: ServerHandle; operator: Page; secret: string };
}

/**
 * Starts a server on a copy of the migrated template, runs the setup wizard as the
 * operator (with two-factor) and closes everything after the file.
 */
export function networkSuite(): NetworkSuite {
  let server: ServerHandle | undefined;
  let browser: Browser | undefined;
  let operator: Page | undefined;
  let secret = '';
  const contexts: BrowserContext[] = [];
  const freshPage = async (options: Parameters<typeof newPage>[1] = {}): Promise<Page> => {
    const { context, page } = await newPage(browser!, options);
    contexts.push(context);
    return page;
  };
  const ready = suiteSetup(async () => {
    browser = await launchBrowser();
    server = await startServer({ database: 'template' });
    operator = await freshPage();
    secret = await setUpNetwork(operator);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.stop();
  });
  return { ready, freshPage, current: () => ({ server: server!, operator: operator!, secret }) };
}

// ------------------------------------------------------------------ members (appended for e2e/events-groups.e2e.ts)

/** A leaver on the roster, invited by e-mail. */
export interface Leaver {
  number: string;
  name: string;
  kana: string;
  email: string;
}

const ROSTER_HEADERS = ['社員番号', '氏名', 'フリガナ', '部署', '入社日', '退職日', '再雇用可否', '個人メールアドレス', '連絡同意'];

/**
 * Imports `people` as leavers of `department` (a UTF-8 roster file with contact consent) and
 * sends that department an invitation wave in Japanese: the shortest way to real alumni.
 */
export async function inviteLeavers(operator: Page, department: string, people: Leaver[]): Promise<void> {
  const rows = people.map((p) => [p.number, p.name.replace(' ', '\u3000'), p.kana, department, '2012/04/01', '2022/03/31', '可', p.email, '有']);
  const csv = Buffer.from([ROSTER_HEADERS, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n', 'utf8');
  await visit(operator, '/admin/roster/import');
  await operator.setInputFiles('#f-file', { name: 'leavers.csv', mimeType: 'text/csv', buffer: csv });
  expect(await navigation(operator, () => operator.click('form[action="/admin/roster/import"] button[type="submit"]'))).toBe(200);
  await navigation(operator, () => operator.click('main form[action$="/commit"] button[type="submit"]'));
  await operator.locator('main h1', { hasText: ja.roster.doneTitle }).waitFor({ timeout: 30_000 });
  await visit(operator, '/admin/invitations/new');
  await operator.getByLabel(department, { exact: true }).check();
  await operator.check('input[name="basis"][value="consent_import"]');
  expect(await navigation(operator, () => operator.click('form[action="/admin/invitations/new"] button[type="submit"]'))).toBe(200);
  const preview = operator.locator('main section[aria-labelledby="preview-title"]');
  await preview.locator('#f-name').fill(`${department} OB・OG`);
  await preview.locator('#f-locale').selectOption('ja');
  expect(await navigation(operator, () => preview.locator('button[type="submit"]').click())).toBe(200);
}

/** Joins the network from the (Japanese) invitation e-mail to `email`, in `page`; ends signed in on '/'. */
export async function joinFromInvitation(page: Page, email: string, password: string): Promise<void> {
  const mail = await readMail(email, fmt(ja.mail.invitation.subject, { network: NETWORK.nameJa }));
  expect(await visit(page, mail.link!)).toBe(200);
  await page.fill('#f-password', password);
  await page.fill('#f-passwordConfirm', password);
  for (const id of ['#f-consentPurpose', '#f-consentRules', '#f-consentContact']) await page.check(id);
  expect(await navigation(page, () => page.click('form[action="/join"] button[type="submit"]'))).toBe(200);
  expect(new URL(page.url()).pathname).toBe('/');
}

/**
 * The operator invites a staff member from /admin/people (in Japanese); they accept in `page`
 * and, as a community manager, enrol two-factor. Ends signed in on '/'; returns the TOTP
 * secret ('' for roles without two-factor).
 */
export async function inviteStaff(
  operator: Page,
  page: Page,
  person: { name: string; nameKana: string; email: string; password: string },
  role: 'employee' | 'community_manager',
): Promise<string> {
  await visit(operator, '/admin/people');
  const invite = operator.locator('form[action="/admin/people/invite"]');
  await invite.locator('input[name="email"]').fill(person.email);
  await invite.locator('select[name="role"]').selectOption(role);
  await invite.locator('select[name="locale"]').selectOption('ja');
  expect(await navigation(operator, () => invite.locator('button[type="submit"]').click())).toBe(200);
  const mail = await readMail(person.email, mailSubject('ja', 'staffInvitation', { role: ja.roles[role] }));
  expect(await visit(page, mail.link!)).toBe(200);
  await page.fill('#f-name', person.name);
  await page.fill('#f-nameKana', person.nameKana);
  await page.fill('#f-password', person.password);
  await page.fill('#f-passwordConfirm', person.password);
  await navigation(page, () => page.click('form[action="/invite/staff"] button[type="submit"]'));
  const secret = role === 'community_manager' ? await enrolTwoFactor(page, person.password) : '';
  expect(new URL(page.url()).pathname).toBe('/');
  return secret;
}

/** The text of the page's main element. */
export async function mainText(page: Page): Promise<string> {
  return (await page.locator('main').textContent()) ?? '';
}

/** Fails when the page is wider than `width` CSS px (it would scroll sideways on that phone), naming a few wide elements. */
export async function expectNoSideScroll(page: Page, width: number): Promise<void> {
  const o = await horizontalOverflow(page);
  expect(o.scrollWidth, `${page.url()} scrolls sideways (${o.scrollWidth} px; wide: ${o.widest.join(', ')})`).toBeLessThanOrEqual(width + 1);
}

/** YYYY-MM-DD, `days` from today in Tokyo (the network's zone in these tests). */
export function tokyoDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));
}
