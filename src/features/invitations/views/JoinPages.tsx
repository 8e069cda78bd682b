/** Joining from an invitation: purpose, rules, the purpose-of-use notice and the form. */
import { fmt, type Messages } from '../../../shared/i18n/index.ts';
import { Checkbox, CsrfField, ErrorSummary, Input, Radios, Submit, type FieldErrors } from '../../../shared/views/form.tsx';
import { PurposeNotice } from '../../../shared/views/notice.tsx';
import { PREFERENCE_TOPICS } from '../invitations.service.ts';
import { NOTICE_VERSION } from '../notice.ts';

export const CONSENT_FIELDS = ['consentPurpose', 'consentRules', 'consentContact'] as const;

/** The purpose-of-use notice, versioned (NOTICE_VERSION). */
export function Notice({ m }: { m: Messages }) {
  return (
    <section class="card" aria-labelledby="notice-title">
      <PurposeNotice m={m} version={NOTICE_VERSION} />
    </section>
  );
}

export function JoinPage(p: {
  m: Messages;
  csrfToken: string;
  token: string;
  network: string;
  purpose: string;
  rules: string;
  values: Record<string, string>;
  errors: FieldErrors;
}) {
  const { m, values, errors } = p;
  const j = m.invitations.join;
  return (
    <div class="narrow">
      <h1>{fmt(j.title, { network: p.network })}</h1>
      <p class="lead">{fmt(j.intro, { network: p.network })}</p>
      <p class="notice">{j.voluntary}</p>
      <section class="card">
        <h2>{j.purposeTitle}</h2>
        <p class="prose">{p.purpose}</p>
      </section>
      <section class="card">
        <h2>{j.rulesTitle}</h2>
        <p class="prose">{p.rules}</p>
      </section>
      <Notice m={m} />
      <ErrorSummary m={m} errors={errors} />
      <form method="post" action="/join" class="card" novalidate>
        <CsrfField token={p.csrfToken} />
        <input type="hidden" name="token" value={p.token} />
        <h2>{j.formTitle}</h2>
        <Input m={m} name="name" label={j.name} value={values.name} error={errors.name} required autocomplete="name" maxlength={100} />
        <Input m={m} name="nameKana" label={j.nameKana} value={values.nameKana} error={errors.nameKana} maxlength={100} />
        <Input
          m={m}
          name="email"
          type="email"
          label={j.email}
          hint={j.emailHint}
          value={values.email}
          error={errors.email}
          required
          autocomplete="email"
          inputmode="email"
          maxlength={254}
        />
        <Input
          m={m}
          name="password"
          type="password"
          label={j.password}
          hint={Object.keys(errors).length > 0 ? `${j.passwordAgain} ${j.passwordHint}` : j.passwordHint}
          error={errors.password}
          required
          autocomplete="new-password"
        />
        <Input m={m} name="passwordConfirm" type="password" label={j.passwordConfirm} error={errors.passwordConfirm} required autocomplete="new-password" />
        <Radios
          m={m}
          name="locale"
          label={j.language}
          value={values.locale ?? 'ja'}
          error={errors.locale}
          options={[
            { value: 'ja', label: '日本語' },
            { value: 'en', label: 'English' },
          ]}
        />

        <fieldset class="field" aria-describedby="profile-hint">
          <legend>{j.profileTitle}</legend>
          <p class="hint" id="profile-hint">
            {j.profileHint}
          </p>
          <Input m={m} name="currentEmployer" label={j.currentEmployer} value={values.currentEmployer} error={errors.currentEmployer} autocomplete="organization" maxlength={200} />
          <Input m={m} name="currentTitle" label={j.currentTitle} value={values.currentTitle} error={errors.currentTitle} autocomplete="organization-title" maxlength={200} />
        </fieldset>

        <fieldset class="field" aria-describedby="prefs-hint">
          <legend>{j.prefsTitle}</legend>
          <p class="hint" id="prefs-hint">
            {j.prefsHint}
          </p>
          <div class="choices">
            {PREFERENCE_TOPICS.map((topic) => (
              <label class="choice" for={`f-pref-${topic}`}>
                <input type="checkbox" id={`f-pref-${topic}`} name={`pref-${topic}`} value="1" checked={values[`pref-${topic}`] === '1'} />
                {j.prefs[topic]}
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset class="field">
          <legend>{j.consentTitle}</legend>
          <Checkbox m={m} name="consentPurpose" label={j.consentPurpose} checked={values.consentPurpose === '1'} error={errors.consentPurpose} required />
          <Checkbox m={m} name="consentRules" label={j.consentRules} checked={values.consentRules === '1'} error={errors.consentRules} required />
          <Checkbox m={m} name="consentContact" label={j.consentContact} checked={values.consentContact === '1'} error={errors.consentContact} required />
        </fieldset>
        <Submit label={j.submit} />
      </form>

      <section class="card" aria-labelledby="decline-title">
        <h2 id="decline-title">{j.declineTitle}</h2>
        <p>{j.declineText}</p>
        <form method="post" action="/join/decline">
          <CsrfField token={p.csrfToken} />
          <input type="hidden" name="token" value={p.token} />
          <Submit label={j.decline} secondary />
        </form>
      </section>
    </div>
  );
}
