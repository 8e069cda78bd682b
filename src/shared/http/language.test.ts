/** Language detection: ?lang → saved preference → cookie → Accept-Language → Japanese. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, pageLang, type Client, type TestApp } from '../../../test/app.ts';
import { users } from '../../db/schema.ts';
import { localeFromAcceptLanguage, messages } from '../i18n/index.ts';

const ja = messages('ja');
const en = messages('en');

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
});

afterAll(async () => {
  await t?.close();
});

async function langOf(client: Client, path = '/auth/sign-in', headers: Record<string, string> = {}) {
  const res = await client.get(path, headers);
  expect(res.status, path).toBeLessThan(400);
  return pageLang(res.body);
}

async function savedLocale(id: string) {
  const [row] = await t.db.select({ locale: users.locale }).from(users).where(eq(users.id, id));
  return row?.locale;
}

describe('language detection', () => {
  it('is Japanese without any signal', async () => {
    const res = await t.client().get('/auth/sign-in');
    expect(pageLang(res.body)).toBe('ja');
    expect(res.body).toContain(ja.auth.signInTitle);
  });

  it('follows Accept-Language', async () => {
    const client = t.client();
    expect(await langOf(client, '/auth/sign-in', { 'accept-language': 'en-US,en;q=0.9' })).toBe('en');
    expect(await langOf(client, '/auth/sign-in', { 'accept-language': 'fr-FR, en;q=0.5' })).toBe('en');
    expect(await langOf(client, '/auth/sign-in', { 'accept-language': 'ja;q=0.4, en;q=0.8' })).toBe('en');
    expect(await langOf(client, '/auth/sign-in', { 'accept-language': 'fr-FR, de;q=0.5' })).toBe('ja');
  });

  it('prefers the cookie to Accept-Language', async () => {
    const client = t.client();
    client.setCookie('kizuna_lang', 'ja');
    expect(await langOf(client, '/auth/sign-in', { 'accept-language': 'en' })).toBe('ja');
    client.setCookie('kizuna_lang', 'en');
    expect(await langOf(client, '/auth/sign-in', { 'accept-language': 'ja' })).toBe('en');
  });

  it('prefers ?lang to everything, and remembers it in a cookie', async () => {
    const client = t.client();
    client.setCookie('kizuna_lang', 'ja');
    const res = await client.get('/auth/sign-in?lang=en', { 'accept-language': 'ja' });
    expect(pageLang(res.body)).toBe('en');
    expect(res.body).toContain(en.auth.signInTitle);
    expect(client.cookie('kizuna_lang')).toBe('en');
    expect(await langOf(client, '/auth/sign-in', { 'accept-language': 'ja' })).toBe('en');
  });

  it('ignores an unknown ?lang', async () => {
    const client = t.client();
    expect(await langOf(client, '/auth/sign-in?lang=fr', { 'accept-language': 'en' })).toBe('en');
    expect(client.cookie('kizuna_lang')).toBeUndefined();
  });

  it("prefers a member's saved language to the cookie and Accept-Language", async () => {
    const user = await t.createUser('alumnus', { locale: 'en' });
    const client = await t.newSession(user);
    client.setCookie('kizuna_lang', 'ja');
    expect(await langOf(client, '/account', { 'accept-language': 'ja' })).toBe('en');
  });

  it('uses the cookie for a member without a saved language', async () => {
    const user = await t.createUser('alumnus', { locale: null });
    const client = await t.newSession(user);
    client.setCookie('kizuna_lang', 'en');
    expect(await langOf(client, '/account')).toBe('en');
  });

  it('saves ?lang as the preference of a signed-in member', async () => {
    const user = await t.createUser('alumnus', { locale: 'en' });
    const client = await t.newSession(user);
    expect(await langOf(client, '/account?lang=ja')).toBe('ja');
    expect(await savedLocale(user.id)).toBe('ja');
    // On another device, without any cookie, the preference holds.
    const other = await t.newSession(user);
    other.deleteCookie('kizuna_lang');
    expect(await langOf(other, '/account', { 'accept-language': 'en' })).toBe('ja');
  });

  it('switches with the link in the header, keeping the page', async () => {
    const res = await t.client().get('/auth/forgot-password');
    expect(res.body).toContain('href="/auth/forgot-password?lang=en"');
  });
});

describe('localeFromAcceptLanguage', () => {
  it('honours q-values and region tags', () => {
    expect(localeFromAcceptLanguage(undefined)).toBeUndefined();
    expect(localeFromAcceptLanguage('')).toBeUndefined();
    expect(localeFromAcceptLanguage('ja-JP')).toBe('ja');
    expect(localeFromAcceptLanguage('EN-gb')).toBe('en');
    expect(localeFromAcceptLanguage('en;q=0, ja;q=0.1')).toBe('ja');
    expect(localeFromAcceptLanguage('*')).toBeUndefined();
  });
});
