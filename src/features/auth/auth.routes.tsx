import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { allow } from '../../shared/auth/access.ts';
import type { AppEnv } from '../../shared/http/context.ts';
import { readForm, validateForm } from '../../shared/http/form.ts';
import { authHeaders, forwardCookies, setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { email as emailField, kana, password, text } from '../../shared/validation.ts';
import { answersShape, consentShape, withRequestErrors, yearsInOrder } from '../verification/verification.form.ts';
import * as flows from './auth.service.ts';
import {
  ConfirmTokenPage,
  EmailOnlyPage,
  Message,
  ResetPasswordPage,
  SignInPage,
  SignUpPage,
  TwoFactorPage,
  signUpLabels,
} from './views/AuthPages.tsx';

/** Only same-site relative paths may be used as a post-sign-in destination. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) && value.length < 500 ? value : '/';
}

function flowCtx(c: Context<AppEnv>): flows.FlowCtx {
  const { auth, db } = c.get('deps');
  return { auth, db, headers: authHeaders(c), ip: c.get('clientIp'), userAgent: c.req.header('user-agent'), baseUrl: c.get('deps').config.baseUrl };
}

// Self sign-up: the account, plus what the person tells us about their time at the company
// (src/features/verification) and their consent to the purpose-of-use notice.
const signUpSchema = z
  .object({ name: text(100), nameKana: kana, email: emailField, password, passwordConfirm: z.string(), ...answersShape, ...consentShape })
  .refine((v) => v.password === v.passwordConfirm, { message: 'passwordMismatch', path: ['passwordConfirm'] })
  .superRefine(yearsInOrder);

const resetSchema = z
  .object({ token: z.string().min(1).max(4096), password, passwordConfirm: z.string() })
  .refine((v) => v.password === v.passwordConfirm, { message: 'passwordMismatch', path: ['passwordConfirm'] });

const emailOnly = z.object({ email: emailField });

export const authRoutes = new Hono<AppEnv>()
  .get('/auth/sign-in', allow('public'), (c) => {
    if (c.get('actor')) return c.redirect('/', 303);
    const m = c.get('m');
    const next = c.req.query('next');
    return page(c, m.auth.signInTitle, <SignInPage m={m} csrfToken={c.get('csrfToken')} next={next ? safeNext(next) : undefined} />);
  })
  .post('/auth/sign-in', allow('public'), async (c) => {
    const m = c.get('m');
    const form = await readForm(c);
    const email = (form.email ?? '').trim().slice(0, 254);
    const next = safeNext(form.next);
    const again = (error: string, status: 401 | 403) =>
      page(c, m.auth.signInTitle, <SignInPage m={m} csrfToken={c.get('csrfToken')} email={email} error={error} next={next} />, status);
    if (!email || !form.password) return again(m.auth.invalid, 401);
    const result = await flows.signInWithPassword(flowCtx(c), email, form.password);
    switch (result.kind) {
      case 'signed-in':
        forwardCookies(c, result.headers);
        return c.redirect(next, 303);
      case 'two-factor':
        forwardCookies(c, result.headers);
        return c.redirect(`/auth/two-factor?next=${encodeURIComponent(next)}`, 303);
      case 'unverified':
        return again(m.auth.verifyNeeded, 403);
      default:
        return again(m.auth.invalid, 401);
    }
  })
  .get('/auth/two-factor', allow('public'), (c) => {
    const m = c.get('m');
    return page(c, m.auth.twoFactorTitle, <TwoFactorPage m={m} csrfToken={c.get('csrfToken')} next={safeNext(c.req.query('next'))} />);
  })
  .post('/auth/two-factor', allow('public'), async (c) => {
    const m = c.get('m');
    const form = await readForm(c);
    const next = safeNext(form.next);
    const code = (form.code ?? '').slice(0, 64);
    const result = code ? await flows.verifySecondFactor(flowCtx(c), code) : ({ ok: false, expired: false } as const);
    if (result.ok) {
      forwardCookies(c, result.headers);
      return c.redirect(next, 303);
    }
    if (result.expired) {
      return page(c, m.auth.twoFactorTitle, <Message title={m.auth.twoFactorTitle} text={m.auth.twoFactorExpired} link={{ href: '/auth/sign-in', label: m.auth.signIn }} />, 401);
    }
    return page(c, m.auth.twoFactorTitle, <TwoFactorPage m={m} csrfToken={c.get('csrfToken')} next={next} error={m.auth.twoFactorInvalid} />, 401);
  })
  .post('/auth/magic-link/request', allow('public'), async (c) => {
    const m = c.get('m');
    const form = await validateForm(c, emailOnly, { email: m.auth.email });
    if (!form.ok) {
      return page(
        c,
        m.auth.magicTitle,
        <EmailOnlyPage m={m} csrfToken={c.get('csrfToken')} title={m.auth.magicTitle} intro={m.auth.magicIntro} action="/auth/magic-link/request" button={m.auth.magicSend} error={form.errors.email} />,
        422,
      );
    }
    await flows.requestMagicLink(flowCtx(c), form.data.email);
    c.get('deps').wakeWorkers();
    return page(c, m.auth.magicTitle, <Message title={m.auth.magicTitle} text={m.auth.magicSent} />);
  })
  .get('/auth/magic-link', allow('public'), (c) => {
    const m = c.get('m');
    const token = c.req.query('token') ?? '';
    return page(
      c,
      m.auth.magicConfirmTitle,
      <ConfirmTokenPage m={m} csrfToken={c.get('csrfToken')} title={m.auth.magicConfirmTitle} intro={m.auth.magicConfirmIntro} action="/auth/magic-link" token={token} button={m.auth.magicConfirm} />,
    );
  })
  .post('/auth/magic-link', allow('public'), async (c) => {
    const m = c.get('m');
    const form = await readForm(c);
    const result = await flows.signInWithMagicLink(flowCtx(c), form.token ?? '');
    if (result.kind === 'signed-in') {
      forwardCookies(c, result.headers);
      return c.redirect('/', 303);
    }
    const text = result.kind === 'needs-two-factor' ? m.auth.magicNeedsTwoFactor : m.auth.magicInvalid;
    return page(c, m.auth.magicConfirmTitle, <Message title={m.auth.magicConfirmTitle} text={text} link={{ href: '/auth/sign-in', label: m.auth.signIn }} />, 400);
  })
  .get('/auth/sign-up', allow('public'), (c) => {
    if (c.get('actor')) return c.redirect('/', 303);
    const m = c.get('m');
    return page(c, m.auth.signUpTitle, <SignUpPage m={m} csrfToken={c.get('csrfToken')} values={{}} errors={{}} />);
  })
  .post('/auth/sign-up', allow('public'), async (c) => {
    const m = c.get('m');
    const form = await validateForm(c, signUpSchema, signUpLabels(m));
    if (!form.ok) {
      const errors = withRequestErrors(m, form.values, form.errors, { consent: true });
      return page(c, m.auth.signUpTitle, <SignUpPage m={m} csrfToken={c.get('csrfToken')} values={form.values} errors={errors} />, 422);
    }
    const { joinYear, leaveYear, department, employeeNumber, note } = form.data;
    await flows.signUp(flowCtx(c), { ...form.data, locale: c.get('locale'), request: { nameKana: form.data.nameKana, joinYear, leaveYear, department, employeeNumber, note } });
    c.get('deps').wakeWorkers();
    return page(c, m.auth.signUpTitle, <Message title={m.auth.signUpTitle} text={m.auth.signUpSent} />);
  })
  .get('/auth/verify-email', allow('public'), (c) => {
    const m = c.get('m');
    return page(
      c,
      m.auth.verifyTitle,
      <ConfirmTokenPage m={m} csrfToken={c.get('csrfToken')} title={m.auth.verifyTitle} intro={m.auth.verifyIntro} action="/auth/verify-email" token={c.req.query('token') ?? ''} button={m.auth.verifyConfirm} />,
    );
  })
  .post('/auth/verify-email', allow('public'), async (c) => {
    const m = c.get('m');
    const form = await readForm(c);
    const ok = await flows.verifyEmail(flowCtx(c), form.token ?? '');
    return page(
      c,
      m.auth.verifyTitle,
      <Message title={m.auth.verifyTitle} text={ok ? m.auth.verifyDone : m.auth.verifyInvalid} link={{ href: '/auth/sign-in', label: m.auth.signIn }} />,
      ok ? 200 : 400,
    );
  })
  .get('/auth/forgot-password', allow('public'), (c) => {
    const m = c.get('m');
    return page(
      c,
      m.auth.forgotTitle,
      <EmailOnlyPage m={m} csrfToken={c.get('csrfToken')} title={m.auth.forgotTitle} intro={m.auth.forgotIntro} action="/auth/forgot-password" button={m.auth.forgotSend} />,
    );
  })
  .post('/auth/forgot-password', allow('public'), async (c) => {
    const m = c.get('m');
    const form = await validateForm(c, emailOnly, { email: m.auth.email });
    if (!form.ok) {
      return page(
        c,
        m.auth.forgotTitle,
        <EmailOnlyPage m={m} csrfToken={c.get('csrfToken')} title={m.auth.forgotTitle} intro={m.auth.forgotIntro} action="/auth/forgot-password" button={m.auth.forgotSend} error={form.errors.email} />,
        422,
      );
    }
    await flows.requestPasswordReset(flowCtx(c), form.data.email);
    c.get('deps').wakeWorkers();
    return page(c, m.auth.forgotTitle, <Message title={m.auth.forgotTitle} text={m.auth.forgotSent} />);
  })
  .get('/auth/reset-password', allow('public'), (c) => {
    const m = c.get('m');
    return page(c, m.auth.resetTitle, <ResetPasswordPage m={m} csrfToken={c.get('csrfToken')} token={c.req.query('token') ?? ''} errors={{}} />);
  })
  .post('/auth/reset-password', allow('public'), async (c) => {
    const m = c.get('m');
    const form = await validateForm(c, resetSchema, { password: m.auth.newPassword, passwordConfirm: m.auth.passwordConfirm });
    if (!form.ok) {
      return page(c, m.auth.resetTitle, <ResetPasswordPage m={m} csrfToken={c.get('csrfToken')} token={form.values.token ?? ''} errors={form.errors} />, 422);
    }
    const ok = await flows.resetPassword(flowCtx(c), form.data.token, form.data.password);
    if (!ok) {
      return page(c, m.auth.resetTitle, <Message title={m.auth.resetTitle} text={m.auth.resetInvalid} link={{ href: '/auth/forgot-password', label: m.auth.forgotTitle }} />, 400);
    }
    setFlash(c, 'auth.resetDone');
    return c.redirect('/auth/sign-in', 303);
  })
  .post('/auth/sign-out', allow('public'), async (c) => {
    const headers = await flows.signOut(flowCtx(c), c.get('actor'));
    forwardCookies(c, headers);
    setFlash(c, 'auth.signedOut');
    return c.redirect('/auth/sign-in', 303);
  });
