import { fmt, type Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, ErrorSummary, Input, Select, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';
import { INTERESTS, MIN_AGGREGATE, REASONS } from '../offboarding.service.ts';

interface Base {
  m: Messages;
  csrfToken: string;
}

export function OffboardingAdminPage(
  p: Base & {
    rows: { id: string; name: string; lastDay: string; exitSubmittedAt: Date | null; managerWrittenAt: Date | null; farewellSentAt: Date | null; consent: boolean }[];
    reasons: Record<string, number> | null;
    managers: { id: string; name: string; isManager: boolean }[];
    values: Record<string, string>;
    errors: FieldErrors;
  },
) {
  const { m } = p;
  const o = m.offboarding;
  const v = p.values;
  return (
    <div>
      <h1>{o.title}</h1>
      <p class="lead">{o.intro}</p>
      <section class="card">
        <h2>{o.register}</h2>
        <ErrorSummary m={m} errors={p.errors} />
        <form method="post" action="/admin/offboarding" class="grid-form" novalidate>
          <CsrfField token={p.csrfToken} />
          <Input m={m} name="employeeNumber" label={o.employeeNumber} hint={o.employeeNumberHint} value={v.employeeNumber} error={p.errors.employeeNumber} required maxlength={50} />
          <Input m={m} name="name" label={o.name} value={v.name} error={p.errors.name} required maxlength={100} />
          <Input m={m} name="nameKana" label={o.nameKana} value={v.nameKana} maxlength={100} />
          <Input m={m} name="department" label={o.department} value={v.department} maxlength={100} />
          <Input m={m} name="lastDay" type="date" label={o.lastDay} value={v.lastDay} error={p.errors.lastDay} required />
          <Select
            m={m}
            name="managerId"
            label={o.manager}
            value={v.managerId ?? ''}
            options={[{ value: '', label: o.noManager }, ...p.managers.map((x) => ({ value: x.id, label: x.isManager ? `${x.name}(${m.roles.manager})` : x.name }))]}
          />
          <Input m={m} name="contactEmail" type="email" label={o.contactEmail} hint={o.contactEmailHint} value={v.contactEmail} error={p.errors.contactEmail} required />
          <Select
            m={m}
            name="locale"
            label={o.language}
            value={v.locale ?? 'ja'}
            options={[
              { value: 'ja', label: '日本語' },
              { value: 'en', label: 'English' },
            ]}
          />
          <Submit label={o.registerSubmit} />
        </form>
      </section>
      <section class="card">
        <h2>{o.upcoming}</h2>
        {p.rows.length === 0 ? (
          <p>{o.empty}</p>
        ) : (
          <TableWrap label={o.upcoming}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{o.colName}</th>
                  <th scope="col">{o.colLastDay}</th>
                  <th scope="col">{o.colExitForm}</th>
                  <th scope="col">{o.colManager}</th>
                  <th scope="col">{o.colFarewell}</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr>
                    <td>{r.name}</td>
                    <td>{r.lastDay}</td>
                    <td>{r.exitSubmittedAt ? o.done : o.waiting}</td>
                    <td>{r.managerWrittenAt ? o.done : o.waiting}</td>
                    <td>{r.farewellSentAt ? (r.consent ? o.sent : o.noConsent) : o.waiting}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
      <section class="card">
        <h2>{o.reasonsTitle}</h2>
        <p class="hint">{fmt(o.reasonsHint, { min: MIN_AGGREGATE })}</p>
        {p.reasons ? (
          <ul>
            {REASONS.filter((r) => p.reasons![r]).map((r) => (
              <li>
                {o.reasons[r]}: {p.reasons![r]}
              </li>
            ))}
          </ul>
        ) : (
          <p>{fmt(o.reasonsTooFew, { min: MIN_AGGREGATE })}</p>
        )}
      </section>
    </div>
  );
}

export function ExitFormPage(
  p: Base & { token: string; name: string; values: { personalEmail: string; consent: boolean; interests: string[]; reason: string }; error?: string | undefined; saved?: boolean },
) {
  const { m } = p;
  const o = m.offboarding;
  return (
    <div class="narrow">
      <h1>{o.exitTitle}</h1>
      <p class="lead">{o.exitIntro}</p>
      {p.saved ? (
        <p class="notice" role="status">
          {o.exitThanks}
        </p>
      ) : null}
      <form method="post" action="/exit" class="card" novalidate>
        <CsrfField token={p.csrfToken} />
        <input type="hidden" name="token" value={p.token} />
        <Input m={m} name="personalEmail" type="email" label={o.personalEmail} hint={o.personalEmailHint} value={p.values.personalEmail} error={p.error} autocomplete="email" />
        <div class="field">
          <label class="choice" for="f-consent">
            <input type="checkbox" id="f-consent" name="consent" value="1" checked={p.values.consent} />
            {o.consent}
          </label>
        </div>
        <fieldset class="field">
          <legend>{o.interestsLegend}</legend>
          <div class="choices">
            {INTERESTS.map((i) => (
              <label class="choice" for={`f-int-${i}`}>
                <input type="checkbox" id={`f-int-${i}`} name="interests" value={i} checked={p.values.interests.includes(i)} />
                {o.interests[i]}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset class="field">
          <legend>{o.reasonLegend}</legend>
          <p class="hint">{o.reasonHint}</p>
          <div class="choices">
            {REASONS.map((r) => (
              <label class="choice" for={`f-reason-${r}`}>
                <input type="radio" id={`f-reason-${r}`} name="reason" value={r} checked={p.values.reason === r} />
                {o.reasons[r]}
              </label>
            ))}
          </div>
        </fieldset>
        <Submit label={o.exitSubmit} />
      </form>
    </div>
  );
}

export function ThanksPage(p: Base & { id: string; name: string; date: string; message: string; locked: boolean; saved?: boolean }) {
  const { m } = p;
  const o = m.offboarding;
  return (
    <div class="narrow">
      <h1>{fmt(o.thanksTitle, { name: p.name })}</h1>
      <p class="lead">{fmt(o.thanksIntro, { name: p.name, date: p.date })}</p>
      {p.saved ? (
        <p class="notice" role="status">
          {o.thanksSaved}
        </p>
      ) : null}
      {p.locked ? (
        <p class="notice">{o.thanksLocked}</p>
      ) : (
        <form method="post" action={`/offboarding/${p.id}/thanks`} class="card">
          <CsrfField token={p.csrfToken} />
          <TextArea m={m} name="message" label={o.thanksMessage} value={p.message} required maxlength={4000} rows={8} />
          <Submit label={o.thanksSubmit} />
        </form>
      )}
    </div>
  );
}
