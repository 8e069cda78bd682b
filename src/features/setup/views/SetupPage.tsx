import type { Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, ErrorSummary, Input, Radios, Select, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';

export interface SetupPageProps {
  m: Messages;
  csrfToken: string;
  values: Record<string, string>;
  errors: FieldErrors;
  timeZones: string[];
}

export function setupLabels(m: Messages): Record<string, string> {
  const s = m.setup;
  return {
    nameJa: s.nameJa,
    nameEn: s.nameEn,
    operatorType: s.operatorType,
    purposeJa: s.purposeJa,
    purposeEn: s.purposeEn,
    rulesJa: s.rulesJa,
    rulesEn: s.rulesEn,
    timeZone: s.timeZone,
    name: s.name,
    nameKana: s.nameKana,
    email: s.email,
    password: s.password,
    passwordConfirm: s.passwordConfirm,
  };
}

export function SetupPage({ m, csrfToken, values: v, errors: e, timeZones }: SetupPageProps) {
  const s = m.setup;
  return (
    <div class="narrow">
      <h1>{s.title}</h1>
      <p class="lead">{s.intro}</p>
      <ErrorSummary m={m} errors={e} />
      <form method="post" action="/setup" novalidate>
        <CsrfField token={csrfToken} />
        <section class="card">
          <h2>{s.networkSection}</h2>
          <Input m={m} name="nameJa" label={s.nameJa} value={v.nameJa} error={e.nameJa} required maxlength={100} />
          <Input m={m} name="nameEn" label={s.nameEn} value={v.nameEn} error={e.nameEn} required maxlength={100} />
          <Radios
            m={m}
            name="operatorType"
            label={s.operatorType}
            value={v.operatorType}
            error={e.operatorType}
            required
            options={(['company', 'volunteers', 'alumni'] as const).map((k) => ({ value: k, label: s.operatorTypes[k] }))}
          />
          <h3>{s.purpose}</h3>
          <p class="hint">{s.purposeHint}</p>
          <TextArea m={m} name="purposeJa" label={s.purposeJa} value={v.purposeJa} error={e.purposeJa} required maxlength={4000} />
          <TextArea m={m} name="purposeEn" label={s.purposeEn} value={v.purposeEn} error={e.purposeEn} maxlength={4000} />
          <h3>{s.rules}</h3>
          <TextArea m={m} name="rulesJa" label={s.rulesJa} value={v.rulesJa} error={e.rulesJa} required maxlength={8000} rows={8} />
          <TextArea m={m} name="rulesEn" label={s.rulesEn} value={v.rulesEn} error={e.rulesEn} maxlength={8000} rows={8} />
          <Select
            m={m}
            name="timeZone"
            label={s.timeZone}
            value={v.timeZone ?? 'Asia/Tokyo'}
            error={e.timeZone}
            required
            options={timeZones.map((tz) => ({ value: tz, label: tz }))}
          />
        </section>
        <section class="card">
          <h2>{s.operatorSection}</h2>
          <p class="hint">{s.operatorHint}</p>
          <Input m={m} name="name" label={s.name} value={v.name} error={e.name} required autocomplete="name" maxlength={100} />
          <Input m={m} name="nameKana" label={s.nameKana} value={v.nameKana} error={e.nameKana} maxlength={100} />
          <Input m={m} name="email" type="email" label={s.email} value={v.email} error={e.email} required autocomplete="email" />
          <Input m={m} name="password" type="password" label={s.password} hint={s.passwordHint} error={e.password} required autocomplete="new-password" />
          <Input m={m} name="passwordConfirm" type="password" label={s.passwordConfirm} error={e.passwordConfirm} required autocomplete="new-password" />
        </section>
        <Submit label={s.submit} />
      </form>
    </div>
  );
}
