import { fmt, type Messages } from '../../../shared/i18n/index.ts';
import type { Actor } from '../../../shared/http/context.ts';
import { CsrfField, ErrorSummary, Input, Select, Submit, type FieldErrors } from '../../../shared/views/form.tsx';
import type { TotpEnrolment } from '../account.service.ts';

interface Base {
  m: Messages;
  csrfToken: string;
}

export function AccountPage({
  m,
  csrfToken,
  actor,
  nameKana,
  sessionCount,
  errors,
  passwordErrors,
}: Base & { actor: Actor; nameKana: string; sessionCount: number; errors: FieldErrors; passwordErrors: FieldErrors }) {
  const a = m.account;
  return (
    <div class="narrow">
      <h1>{a.title}</h1>
      <section class="card">
        <h2>{a.profile}</h2>
        <ErrorSummary m={m} errors={errors} />
        <form method="post" action="/account/profile" novalidate>
          <CsrfField token={csrfToken} />
          <Input m={m} name="name" label={a.name} value={actor.name} error={errors.name} required autocomplete="name" maxlength={100} />
          <Input m={m} name="nameKana" label={a.nameKana} value={nameKana} error={errors.nameKana} maxlength={100} />
          <Select
            m={m}
            name="locale"
            label={a.language}
            value={actor.locale ?? 'ja'}
            options={[
              { value: 'ja', label: '日本語' },
              { value: 'en', label: 'English' },
            ]}
          />
          <Submit label={m.common.save} />
        </form>
        <dl class="facts">
          <dt>{a.email}</dt>
          <dd>{actor.email}</dd>
          <dt>{a.role}</dt>
          <dd>
            {m.roles[actor.role]}
            {actor.isManager ? ` · ${m.roles.manager}` : ''}
          </dd>
          <dt>{m.twoFactorSetup.status}</dt>
          <dd>
            {actor.twoFactorEnabled ? m.twoFactorSetup.on : m.twoFactorSetup.off} · <a href="/account/two-factor">{m.twoFactorSetup.title}</a>
          </dd>
        </dl>
      </section>
      <section class="card">
        <h2>{a.mail}</h2>
        <p>{a.mailHint}</p>
        <p>
          <a href="/account/mail">{a.mailLink}</a>
        </p>
      </section>
      <section class="card">
        <h2>{a.changePassword}</h2>
        <ErrorSummary m={m} errors={passwordErrors} />
        <form method="post" action="/account/password" novalidate>
          <CsrfField token={csrfToken} />
          <Input m={m} name="currentPassword" type="password" label={a.currentPassword} error={passwordErrors.currentPassword} required autocomplete="current-password" />
          <Input m={m} name="password" type="password" label={a.newPassword} hint={m.setup.passwordHint} error={passwordErrors.password} required autocomplete="new-password" />
          <Input m={m} name="passwordConfirm" type="password" label={m.auth.passwordConfirm} error={passwordErrors.passwordConfirm} required autocomplete="new-password" />
          <Submit label={a.changePassword} />
        </form>
      </section>
      <section class="card">
        <h2>{a.sessions}</h2>
        <p>{fmt(a.sessionsHint, { count: sessionCount })}</p>
        <form method="post" action="/account/sign-out-all">
          <CsrfField token={csrfToken} />
          <Submit label={a.signOutAll} secondary />
        </form>
      </section>
    </div>
  );
}

export function TwoFactorSetupPage({
  m,
  csrfToken,
  actor,
  enrolment,
  error,
  passwordError,
}: Base & { actor: Actor; enrolment?: TotpEnrolment | undefined; error?: string | undefined; passwordError?: string | undefined }) {
  const t = m.twoFactorSetup;
  if (actor.twoFactorEnabled) {
    return (
      <div class="narrow">
        <h1>{t.title}</h1>
        <p class="lead" role="status">
          {t.enabled}
        </p>
        <p>
          <a href="/account">{m.nav.account}</a>
        </p>
      </div>
    );
  }
  const required = actor.role === 'operator' || actor.role === 'community_manager';
  return (
    <div class="narrow">
      <h1>{t.title}</h1>
      {required ? <p class="notice notice--warning">{fmt(t.required, { role: m.roles[actor.role] })}</p> : null}
      {error ? (
        <div class="error-summary" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      {enrolment ? (
        <>
          <section class="card">
            <p>{t.step2}</p>
            <img class="qr" src={enrolment.qrDataUri} alt={t.qrAlt} width={200} height={200} />
            <p>
              {t.secretKey}: <code class="secret">{enrolment.secret}</code>
            </p>
            <h2>{t.backupCodes}</h2>
            <p class="hint">{t.backupCodesHint}</p>
            <ul class="codes">
              {enrolment.backupCodes.map((code) => (
                <li>
                  <code>{code}</code>
                </li>
              ))}
            </ul>
          </section>
        </>
      ) : null}
      {enrolment || error ? (
        <form method="post" action="/account/two-factor/verify" class="card" novalidate>
          <CsrfField token={csrfToken} />
          <p>{t.step3}</p>
          <Input m={m} name="code" label={m.auth.twoFactorCode} required autocomplete="one-time-code" inputmode="numeric" maxlength={6} />
          <Submit label={t.verify} />
        </form>
      ) : null}
      {enrolment ? null : (
        <form method="post" action="/account/two-factor/enable" class="card" novalidate>
          <CsrfField token={csrfToken} />
          <p>{t.step1}</p>
          <Input m={m} name="password" type="password" label={m.auth.password} error={passwordError} required autocomplete="current-password" />
          <Submit label={t.enable} secondary={Boolean(error)} />
        </form>
      )}
    </div>
  );
}
