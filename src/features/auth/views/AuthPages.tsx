/** Sign-in, sign-up, e-mail link, verification, reset and two-factor pages. */
import type { Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, ErrorSummary, Input, Submit, type FieldErrors } from '../../../shared/views/form.tsx';
import { NOTICE_VERSION } from '../../invitations/notice.ts';
import { requestLabels } from '../../verification/verification.form.ts';
import { PurposeConsent, SignUpAboutSection } from '../../verification/views/VerificationPages.tsx';

interface Base {
  m: Messages;
  csrfToken: string;
}

export function Message({ title, text, link }: { title: string; text: string; link?: { href: string; label: string } }) {
  return (
    <div class="narrow">
      <h1>{title}</h1>
      <p class="lead" role="status">
        {text}
      </p>
      {link ? (
        <p>
          <a href={link.href}>{link.label}</a>
        </p>
      ) : null}
    </div>
  );
}

export function SignInPage({ m, csrfToken, email, error, next }: Base & { email?: string; error?: string; next?: string }) {
  const a = m.auth;
  return (
    <div class="narrow">
      <h1>{a.signInTitle}</h1>
      {error ? (
        <div class="error-summary" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      <form method="post" action="/auth/sign-in" class="card" novalidate>
        <CsrfField token={csrfToken} />
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <Input m={m} name="email" type="email" label={a.email} value={email} required autocomplete="username" />
        <Input m={m} name="password" type="password" label={a.password} required autocomplete="current-password" />
        <Submit label={a.signIn} />
        <p>
          <a href="/auth/forgot-password">{a.forgot}</a>
        </p>
      </form>
      <section class="card">
        <h2>{a.orMagic}</h2>
        <p class="hint">{a.magicIntro}</p>
        <form method="post" action="/auth/magic-link/request" novalidate>
          <CsrfField token={csrfToken} />
          <Input m={m} name="email" id="f-magic-email" type="email" label={a.email} required autocomplete="email" />
          <Submit label={a.magicSend} secondary />
        </form>
      </section>
      <p>
        <a href="/auth/sign-up">{m.nav.signUp}</a>
      </p>
    </div>
  );
}

export function TwoFactorPage({ m, csrfToken, error, next }: Base & { error?: string; next?: string }) {
  const a = m.auth;
  return (
    <div class="narrow">
      <h1>{a.twoFactorTitle}</h1>
      <p class="lead">{a.twoFactorIntro}</p>
      {error ? (
        <div class="error-summary" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      <form method="post" action="/auth/two-factor" class="card" novalidate>
        <CsrfField token={csrfToken} />
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <Input m={m} name="code" label={a.twoFactorCode} hint={a.backupCodeHint} required autocomplete="one-time-code" inputmode="numeric" maxlength={32} />
        <Submit label={a.twoFactorVerify} />
      </form>
    </div>
  );
}

export function ConfirmTokenPage({ csrfToken, title, intro, action, token, button }: Base & { title: string; intro: string; action: string; token: string; button: string }) {
  return (
    <div class="narrow">
      <h1>{title}</h1>
      <p class="lead">{intro}</p>
      <form method="post" action={action} class="card">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="token" value={token} />
        <Submit label={button} />
      </form>
    </div>
  );
}

export function signUpLabels(m: Messages) {
  const a = m.auth;
  return { ...requestLabels(m), name: a.name, nameKana: a.nameKana, email: a.email, password: a.password, passwordConfirm: a.passwordConfirm };
}

export function SignUpPage({ m, csrfToken, values: v, errors: e }: Base & { values: Record<string, string>; errors: FieldErrors }) {
  const a = m.auth;
  return (
    <div class="narrow">
      <h1>{a.signUpTitle}</h1>
      <p class="lead">{a.signUpIntro}</p>
      <ErrorSummary m={m} errors={e} />
      <form method="post" action="/auth/sign-up" class="card" novalidate>
        <CsrfField token={csrfToken} />
        <Input m={m} name="name" label={a.name} value={v.name} error={e.name} required autocomplete="name" maxlength={100} />
        <Input m={m} name="nameKana" label={a.nameKana} value={v.nameKana} error={e.nameKana} maxlength={100} />
        <Input m={m} name="email" type="email" label={a.email} value={v.email} error={e.email} required autocomplete="email" />
        <Input m={m} name="password" type="password" label={a.password} hint={m.setup.passwordHint} error={e.password} required autocomplete="new-password" />
        <Input m={m} name="passwordConfirm" type="password" label={a.passwordConfirm} error={e.passwordConfirm} required autocomplete="new-password" />
        <SignUpAboutSection m={m} values={v} errors={e} />
        <PurposeConsent m={m} version={NOTICE_VERSION} checked={v.purposeConsent === 'yes'} error={e.purposeConsent} />
        <Submit label={a.signUp} />
      </form>
    </div>
  );
}

export function EmailOnlyPage({ m, csrfToken, title, intro, action, button, error }: Base & { title: string; intro: string; action: string; button: string; error?: string }) {
  return (
    <div class="narrow">
      <h1>{title}</h1>
      <p class="lead">{intro}</p>
      <form method="post" action={action} class="card" novalidate>
        <CsrfField token={csrfToken} />
        <Input m={m} name="email" type="email" label={m.auth.email} error={error} required autocomplete="email" />
        <Submit label={button} />
      </form>
    </div>
  );
}

export function ResetPasswordPage({ m, csrfToken, token, errors: e }: Base & { token: string; errors: FieldErrors }) {
  const a = m.auth;
  return (
    <div class="narrow">
      <h1>{a.resetTitle}</h1>
      <ErrorSummary m={m} errors={e} />
      <form method="post" action="/auth/reset-password" class="card" novalidate>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="token" value={token} />
        <Input m={m} name="password" type="password" label={a.newPassword} hint={m.setup.passwordHint} error={e.password} required autocomplete="new-password" />
        <Input m={m} name="passwordConfirm" type="password" label={a.passwordConfirm} error={e.passwordConfirm} required autocomplete="new-password" />
        <Submit label={a.resetSubmit} />
      </form>
    </div>
  );
}
