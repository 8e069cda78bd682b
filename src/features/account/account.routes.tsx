import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { allow } from '../../shared/auth/access.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { validateForm } from '../../shared/http/form.ts';
import { authHeaders, forwardCookies, setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { kana, password, text } from '../../shared/validation.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import * as account from './account.service.ts';
import { AccountPage, TwoFactorSetupPage } from './views/AccountPages.tsx';

const profileSchema = z.object({ name: text(100), nameKana: kana, locale: z.enum(['ja', 'en']).default('ja') });
const passwordSchema = z
  .object({ currentPassword: z.string().min(1, 'required').max(256), password, passwordConfirm: z.string() })
  .refine((v) => v.password === v.passwordConfirm, { message: 'passwordMismatch', path: ['passwordConfirm'] });

function ctx(c: Context<AppEnv>) {
  const { auth, db } = c.get('deps');
  return { auth, db, headers: authHeaders(c), actor: c.get('actor') as Actor, ip: c.get('clientIp') };
}

async function renderAccount(c: Context<AppEnv>, errors: FieldErrors = {}, passwordErrors: FieldErrors = {}, status: 200 | 422 = 200) {
  const m = c.get('m');
  const actor = c.get('actor') as Actor;
  const profile = await account.getProfile(c.get('deps').db, actor);
  const sessionCount = await account.countSessions(ctx(c));
  return page(
    c,
    m.account.title,
    <AccountPage m={m} csrfToken={c.get('csrfToken')} actor={actor} nameKana={profile.nameKana} sessionCount={sessionCount} errors={errors} passwordErrors={passwordErrors} />,
    status,
  );
}

export const accountRoutes = new Hono<AppEnv>()
  .get('/account', allow('member'), (c) => renderAccount(c))
  .post('/account/profile', allow('member'), async (c) => {
    const m = c.get('m');
    const form = await validateForm(c, profileSchema, { name: m.account.name, nameKana: m.account.nameKana });
    if (!form.ok) return renderAccount(c, form.errors, {}, 422);
    await account.updateProfile(c.get('deps').db, c.get('actor') as Actor, form.data);
    setFlash(c, 'common.saved');
    return c.redirect(`/account?lang=${form.data.locale}`, 303);
  })
  .post('/account/password', allow('member'), async (c) => {
    const m = c.get('m');
    const form = await validateForm(c, passwordSchema, {
      currentPassword: m.account.currentPassword,
      password: m.account.newPassword,
      passwordConfirm: m.auth.passwordConfirm,
    });
    if (!form.ok) return renderAccount(c, {}, form.errors, 422);
    const result = await account.changePassword(ctx(c), form.data.currentPassword, form.data.password);
    if (!result.ok) return renderAccount(c, {}, { currentPassword: m.account.wrongPassword }, 422);
    forwardCookies(c, result.headers);
    setFlash(c, 'account.passwordChanged');
    return c.redirect('/account', 303);
  })
  .post('/account/sign-out-all', allow('member'), async (c) => {
    const headers = await account.signOutEverywhere(ctx(c));
    forwardCookies(c, headers);
    setFlash(c, 'account.signedOutAll');
    return c.redirect('/auth/sign-in', 303);
  })
  .get('/account/two-factor', allow('member'), (c) => {
    const m = c.get('m');
    return page(c, m.twoFactorSetup.title, <TwoFactorSetupPage m={m} csrfToken={c.get('csrfToken')} actor={c.get('actor') as Actor} />);
  })
  .post('/account/two-factor/enable', allow('member'), async (c) => {
    const m = c.get('m');
    const body = await c.req.parseBody();
    const pw = typeof body.password === 'string' ? body.password.slice(0, 256) : '';
    const enrolment = pw ? await account.startTwoFactor(ctx(c), pw) : null;
    if (!enrolment) {
      return page(
        c,
        m.twoFactorSetup.title,
        <TwoFactorSetupPage m={m} csrfToken={c.get('csrfToken')} actor={c.get('actor') as Actor} passwordError={m.account.wrongPassword} />,
        422,
      );
    }
    return page(c, m.twoFactorSetup.title, <TwoFactorSetupPage m={m} csrfToken={c.get('csrfToken')} actor={c.get('actor') as Actor} enrolment={enrolment} />);
  })
  .post('/account/two-factor/verify', allow('member'), async (c) => {
    const m = c.get('m');
    const body = await c.req.parseBody();
    const code = typeof body.code === 'string' ? body.code.slice(0, 32) : '';
    const result = await account.confirmTwoFactor(ctx(c), code);
    if (!result.ok) {
      return page(
        c,
        m.twoFactorSetup.title,
        <TwoFactorSetupPage m={m} csrfToken={c.get('csrfToken')} actor={c.get('actor') as Actor} error={m.auth.twoFactorInvalid} />,
        422,
      );
    }
    forwardCookies(c, result.headers);
    setFlash(c, 'twoFactorSetup.enabled');
    return c.redirect('/', 303);
  });
