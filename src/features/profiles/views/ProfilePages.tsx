/** Profile pages: one's own profile (with previews as others see it), another member's, the editor, blocks. */
import type { Child } from 'hono/jsx';
import { CONTACT_PREFERENCES, WANTS, type Visibility } from '../../../db/schema.ts';
import { fmt, formatDate, type Messages } from '../../../shared/i18n/index.ts';
import type { FormValues } from '../../../shared/http/form.ts';
import { Checkbox, CsrfField, ErrorSummary, Input, Select, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { choicesFor, INDUSTRIES, PREFECTURES, type ProfileField } from '../profile.fields.ts';
import { COUNTRIES, careerRowCount } from '../profile.form.ts';
import type { PresentedProfile } from '../profile.present.ts';
import { Avatar, countryName, industryLabel, locationLabel, TenureList, type ViewBase } from './ProfileParts.tsx';

const monthLabel = (m: Messages, value: string | null): string => value ?? m.profiles.present;

/** A profile as the given presentation allows: absent fields are simply not rendered. */
export function ProfileView({ v, p, visibility }: { v: ViewBase; p: PresentedProfile; visibility?: Record<ProfileField, Visibility> | undefined }) {
  const { m, locale } = v;
  const badge = (field: ProfileField) =>
    visibility ? (
      <span class={`badge badge--${visibility[field]}`}>
        <span class="visually-hidden">{m.profiles.visibility.short}: </span>
        {m.profiles.visibility[visibility[field]]}
      </span>
    ) : null;
  const section = (title: string, field: ProfileField, body: Child) => (
    <section class="card">
      <h2>
        {title} {badge(field)}
      </h2>
      {body}
    </section>
  );
  const work = [p.currentTitle, p.currentEmployer].filter(Boolean).join(' · ');
  return (
    <div class="profile">
      <div class="profile__head card">
        <Avatar m={m} userId={p.userId} name={p.name ?? ''} photoKey={p.photoKey} size="large" />
        <div>
          <h1 class="profile__name">{p.name}</h1>
          {p.nameKana ? (
            <p class="muted">
              {p.nameKana} {badge('nameKana')}
            </p>
          ) : null}
          {p.nameRomaji ? (
            <p class="muted" lang="en">
              {p.nameRomaji} {badge('nameRomaji')}
            </p>
          ) : null}
          {work ? <p class="lead">{work}</p> : null}
          <dl class="facts">
            {p.industry ? (
              <>
                <dt>{m.profiles.fields.industry}</dt>
                <dd>
                  {industryLabel(m, p.industry)} {badge('industry')}
                </dd>
              </>
            ) : null}
            {p.location ? (
              <>
                <dt>{m.profiles.fields.location}</dt>
                <dd>
                  {locationLabel(m, locale, p.location)} {badge('location')}
                </dd>
              </>
            ) : null}
            <dt>{m.profiles.profile.contactPreference}</dt>
            <dd>{m.profiles.contact[p.contact]}</dd>
          </dl>
          <p class="muted small">{fmt(m.profiles.lastUpdated, { date: formatDate(p.updatedAt, locale, v.timeZone) })}</p>
        </div>
      </div>
      {p.bioJa || p.bioEn
        ? section(
            m.profiles.fields.bio,
            'bio',
            <>
              {p.bioJa ? (
                <p class="prose" lang="ja">
                  {p.bioJa}
                </p>
              ) : null}
              {p.bioEn ? (
                <p class="prose" lang="en">
                  {p.bioEn}
                </p>
              ) : null}
            </>,
          )
        : null}
      {p.wants
        ? section(
            m.profiles.fields.wants,
            'wants',
            <ul class="tags">
              {p.wants.map((w) => (
                <li>{m.profiles.wants[w]}</li>
              ))}
            </ul>,
          )
        : null}
      {p.skills
        ? section(
            m.profiles.fields.skills,
            'skills',
            <ul class="tags">
              {p.skills.map((s) => (
                <li>{s}</li>
              ))}
            </ul>,
          )
        : null}
      {p.career
        ? section(
            m.profiles.fields.career,
            'career',
            <ul class="timeline">
              {p.career.map((c) => (
                <li>
                  <strong>{c.employer}</strong>
                  {c.title ? ` · ${c.title}` : ''}
                  <span class="muted nowrap">
                    {' '}
                    ({c.fromMonth ?? ''}–{monthLabel(m, c.toMonth)})
                  </span>
                </li>
              ))}
            </ul>,
          )
        : null}
      {p.achievements ? section(m.profiles.fields.achievements, 'achievements', <p class="prose">{p.achievements}</p>) : null}
      {p.tenure ? section(m.profiles.fields.tenure, 'tenure', <TenureList m={m} locale={locale} tenure={p.tenure} />) : null}
      {p.links
        ? section(
            m.profiles.fields.links,
            'links',
            <ul>
              {p.links.map((l) => (
                <li>
                  <a href={l.url} rel="nofollow noopener noreferrer ugc" target="_blank">
                    {l.label}
                  </a>
                </li>
              ))}
            </ul>,
          )
        : null}
    </div>
  );
}

export type PreviewAs = 'self' | 'alumni' | 'staff';

export function OwnProfilePage(p: {
  v: ViewBase;
  profile: PresentedProfile;
  visibility: Record<ProfileField, Visibility>;
  previewAs: PreviewAs;
  reviewDue: boolean;
  reviewedAt: Date;
  hidden: boolean;
  listedRole: boolean;
  photoError?: string | undefined;
}) {
  const { m, locale, csrfToken } = p.v;
  const tabs: { as: PreviewAs; label: string }[] = [
    { as: 'self', label: m.profiles.previewSelf },
    { as: 'alumni', label: m.profiles.previewAlumni },
    { as: 'staff', label: m.profiles.previewStaff },
  ];
  return (
    <div class="narrow-wide">
      {p.reviewDue ? (
        <div class="notice notice--warning">
          <p>{fmt(m.profiles.review.banner, { date: formatDate(p.reviewedAt, locale, p.v.timeZone) })}</p>
          <div class="actions">
            <a class="button button--small" href="/profile/edit">
              {m.profiles.edit}
            </a>
            <form method="post" action="/profile/confirm" class="inline-form">
              <CsrfField token={csrfToken} />
              <button type="submit" class="button button--secondary button--small">
                {m.profiles.review.confirm}
              </button>
            </form>
          </div>
        </div>
      ) : null}
      <p class="actions">
        <a class="button" href="/profile/edit">
          {m.profiles.edit}
        </a>
        <a class="button button--secondary" href="/profile/import">
          {m.profiles.importer.title}
        </a>
      </p>
      <nav class="tabs" aria-label={m.profiles.previewAs}>
        <span class="tabs__label">{m.profiles.previewAs}:</span>
        <ul>
          {tabs.map((t) => (
            <li>
              <a href={t.as === 'self' ? '/profile' : `/profile?as=${t.as}`} aria-current={t.as === p.previewAs ? 'page' : undefined}>
                {t.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {p.previewAs === 'self' ? (
        <p class="muted">{m.profiles.onlyYou}</p>
      ) : (
        <p class="notice">{fmt(p.profile.name ? m.profiles.previewNote : m.profiles.previewHidden, { audience: p.previewAs === 'alumni' ? m.profiles.directory.audienceAlumni : m.profiles.directory.audienceStaff })}</p>
      )}
      {p.profile.name ? <ProfileView v={p.v} p={p.profile} visibility={p.previewAs === 'self' ? p.visibility : undefined} /> : null}
      <section class="card" aria-labelledby="photo-h">
        <h2 id="photo-h">{m.profiles.photo.title}</h2>
        <form method="post" action="/profile/photo" enctype="multipart/form-data">
          <CsrfField token={csrfToken} />
          <div class={`field${p.photoError ? ' field--error' : ''}`}>
            <label for="f-photo">{m.profiles.fields.photo}</label>
            <p class="hint" id="f-photo-hint">
              {m.profiles.hints.photo}
            </p>
            {p.photoError ? (
              <p class="field-error" id="f-photo-error">
                {p.photoError}
              </p>
            ) : null}
            <input
              type="file"
              id="f-photo"
              name="photo"
              accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
              aria-describedby={p.photoError ? 'f-photo-hint f-photo-error' : 'f-photo-hint'}
              aria-invalid={p.photoError ? 'true' : undefined}
            />
          </div>
          <Submit label={m.profiles.photo.upload} secondary />
        </form>
        {p.profile.photoKey ? (
          <form method="post" action="/profile/photo/delete" class="inline-form">
            <CsrfField token={csrfToken} />
            <button type="submit" class="link-button">
              {m.profiles.photo.remove}
            </button>
          </form>
        ) : null}
      </section>
      <section class="card" aria-labelledby="listing-h">
        <h2 id="listing-h">{m.profiles.hide.title}</h2>
        {p.listedRole ? (
          <>
            <p>{p.hidden ? m.profiles.hide.hidden : m.profiles.hide.listed}</p>
            <form method="post" action="/profile/hidden">
              <CsrfField token={csrfToken} />
              <input type="hidden" name="hidden" value={p.hidden ? '0' : '1'} />
              <Submit label={p.hidden ? m.profiles.hide.showButton : m.profiles.hide.hideButton} secondary />
            </form>
          </>
        ) : (
          <p>{m.profiles.hide.notListedRole}</p>
        )}
        <p>
          <a href="/profile/blocked">{m.profiles.blocks.manage}</a>
        </p>
      </section>
    </div>
  );
}

export function MemberPage({ v, profile, canSeeHr, messageHref }: { v: ViewBase; profile: PresentedProfile; canSeeHr: boolean; messageHref: string | null }) {
  const { m, csrfToken } = v;
  return (
    <div class="narrow-wide">
      <p>
        <a href="/members">{m.profiles.profile.backToDirectory}</a>
      </p>
      <ProfileView v={v} p={profile} />
      {messageHref ? (
        <p>
          <a class="button" href={messageHref}>
            {m.messages.sendMessage}
          </a>
        </p>
      ) : null}
      {canSeeHr ? (
        <p>
          <a class="button button--secondary" href={`/members/${encodeURIComponent(profile.userId)}/hr`}>
            {m.profiles.profile.hrFacts}
          </a>
        </p>
      ) : null}
      <details class="card">
        <summary>{m.profiles.blocks.block}</summary>
        <p>{fmt(m.profiles.blocks.blockConfirm, { name: profile.name ?? '' })}</p>
        <form method="post" action={`/members/${encodeURIComponent(profile.userId)}/block`}>
          <CsrfField token={csrfToken} />
          <Submit label={m.profiles.blocks.block} secondary />
        </form>
      </details>
    </div>
  );
}

/** A visibility choice on its own line (fields without an input of their own: photo, career, tenure). */
function StandaloneVisibility(p: { m: Messages; field: ProfileField; values: FormValues; errors: FieldErrors }) {
  return (
    <div class="visibility-only">
      <VisibilitySelect {...p} />
    </div>
  );
}

function VisibilitySelect({ m, field, values, errors }: { m: Messages; field: ProfileField; values: FormValues; errors: FieldErrors }) {
  return (
    <Select
      m={m}
      name={`vis_${field}`}
      label={fmt(m.profiles.visibility.label, { field: m.profiles.fields[field] })}
      value={values[`vis_${field}`]}
      error={errors[`vis_${field}`]}
      options={choicesFor(field).map((c) => ({ value: c, label: m.profiles.visibility[c] }))}
    />
  );
}

/** A field and the choice of who sees it, side by side on a wide screen. */
function WithVisibility({ m, field, values, errors, children }: { m: Messages; field: ProfileField; values: FormValues; errors: FieldErrors; children: Child }) {
  return (
    <div class="with-visibility">
      <div class="with-visibility__field">{children}</div>
      <div class="with-visibility__choice">
        <VisibilitySelect m={m} field={field} values={values} errors={errors} />
      </div>
    </div>
  );
}

export function EditProfilePage({ v, values, errors }: { v: ViewBase; values: FormValues; errors: FieldErrors }) {
  const { m, locale, csrfToken } = v;
  const f = m.profiles.fields;
  const inp = (name: string, label: string, opts: { hint?: string; maxlength?: number; required?: boolean; type?: string } = {}) => (
    <Input m={m} name={name} label={label} value={values[name]} error={errors[name]} hint={opts.hint} maxlength={opts.maxlength} required={opts.required} type={opts.type} />
  );
  const careerRows = careerRowCount(values);
  return (
    <div class="narrow-wide">
      <h1>{m.profiles.editTitle}</h1>
      <ErrorSummary m={m} errors={errors} />
      <form method="post" action="/profile/edit" class="profile-form" novalidate>
        <CsrfField token={csrfToken} />
        <fieldset class="card">
          <legend>{m.profiles.sections.names}</legend>
          <WithVisibility m={m} field="name" values={values} errors={errors}>
            {inp('name', f.name, { hint: m.profiles.hints.name, maxlength: 100, required: true })}
          </WithVisibility>
          <WithVisibility m={m} field="nameKana" values={values} errors={errors}>
            {inp('nameKana', f.nameKana, { hint: m.profiles.hints.nameKana, maxlength: 100 })}
          </WithVisibility>
          <WithVisibility m={m} field="nameRomaji" values={values} errors={errors}>
            {inp('nameRomaji', f.nameRomaji, { hint: m.profiles.hints.nameRomaji, maxlength: 100 })}
          </WithVisibility>
          <StandaloneVisibility m={m} field="photo" values={values} errors={errors} />
        </fieldset>
        <fieldset class="card">
          <legend>{m.profiles.sections.work}</legend>
          <WithVisibility m={m} field="currentEmployer" values={values} errors={errors}>
            {inp('currentEmployer', f.currentEmployer, { maxlength: 150 })}
          </WithVisibility>
          <WithVisibility m={m} field="currentTitle" values={values} errors={errors}>
            {inp('currentTitle', f.currentTitle, { maxlength: 150 })}
          </WithVisibility>
          <WithVisibility m={m} field="industry" values={values} errors={errors}>
            <Select
              m={m}
              name="industry"
              label={f.industry}
              value={values.industry}
              error={errors.industry}
              options={[{ value: '', label: m.profiles.choose }, ...INDUSTRIES.map((i) => ({ value: i, label: industryLabel(m, i) }))]}
            />
          </WithVisibility>
          <WithVisibility m={m} field="location" values={values} errors={errors}>
            <Select
              m={m}
              name="country"
              label={f.country}
              value={values.country}
              error={errors.country}
              options={[{ value: '', label: m.profiles.choose }, ...COUNTRIES.map((c) => ({ value: c, label: countryName(m, locale, c) }))]}
            />
            <Select
              m={m}
              name="prefecture"
              label={f.prefecture}
              value={values.prefecture}
              error={errors.prefecture}
              options={[{ value: '', label: m.profiles.choose }, ...PREFECTURES.map((p, i) => ({ value: p, label: m.profiles.prefectures[i] ?? p }))]}
            />
          </WithVisibility>
          <WithVisibility m={m} field="skills" values={values} errors={errors}>
            <TextArea m={m} name="skills" label={f.skills} value={values.skills} error={errors.skills} hint={m.profiles.hints.skills} rows={4} />
          </WithVisibility>
        </fieldset>
        <fieldset class="card">
          <legend>{m.profiles.sections.about}</legend>
          <WithVisibility m={m} field="bio" values={values} errors={errors}>
            <TextArea m={m} name="bioJa" label={f.bioJa} value={values.bioJa} error={errors.bioJa} maxlength={2000} rows={5} />
            <TextArea m={m} name="bioEn" label={f.bioEn} value={values.bioEn} error={errors.bioEn} maxlength={2000} rows={5} />
          </WithVisibility>
          <WithVisibility m={m} field="achievements" values={values} errors={errors}>
            <TextArea m={m} name="achievements" label={f.achievements} value={values.achievements} error={errors.achievements} maxlength={2000} rows={4} />
          </WithVisibility>
          <WithVisibility m={m} field="links" values={values} errors={errors}>
            <fieldset class="field">
              <legend>{f.links}</legend>
              <p class="hint">{m.profiles.hints.links}</p>
              {[0, 1, 2, 3, 4].map((i) => (
                <div class="grid-form">
                  {inp(`link_${i}_label`, `${f.linkLabel} ${i + 1}`, { maxlength: 100 })}
                  {inp(`link_${i}_url`, `${f.linkUrl} ${i + 1}`, { type: 'url' })}
                </div>
              ))}
            </fieldset>
          </WithVisibility>
        </fieldset>
        <fieldset class="card">
          <legend>{m.profiles.sections.career}</legend>
          <p class="hint">{m.profiles.hints.career}</p>
          <StandaloneVisibility m={m} field="career" values={values} errors={errors} />
          {Array.from({ length: careerRows }, (_, i) => (
            <fieldset class="field career-row">
              <legend>
                {f.career} {i + 1}
              </legend>
              <div class="grid-form">
                {inp(`career_${i}_employer`, f.employer, { maxlength: 150 })}
                {inp(`career_${i}_title`, f.title, { maxlength: 150 })}
                {inp(`career_${i}_from`, f.from, { hint: m.profiles.hints.month })}
                {inp(`career_${i}_to`, f.to, { hint: m.profiles.hints.month })}
              </div>
            </fieldset>
          ))}
        </fieldset>
        <fieldset class="card" id="wants">
          <legend>{m.profiles.sections.network}</legend>
          <WithVisibility m={m} field="wants" values={values} errors={errors}>
            <fieldset class="field">
              <legend>{f.wants}</legend>
              <div class="choices">
                {WANTS.map((w) => (
                  <Checkbox m={m} name={`want_${w}`} value="on" label={m.profiles.wants[w]} checked={values[`want_${w}`] === 'on'} />
                ))}
              </div>
            </fieldset>
          </WithVisibility>
          <Select
            m={m}
            name="contact"
            label={f.contact}
            value={values.contact}
            error={errors.contact}
            options={CONTACT_PREFERENCES.map((c) => ({ value: c, label: m.profiles.contact[c] }))}
          />
        </fieldset>
        <fieldset class="card">
          <legend>{m.profiles.sections.company}</legend>
          <p class="hint">{m.profiles.hints.tenure}</p>
          <StandaloneVisibility m={m} field="tenure" values={values} errors={errors} />
        </fieldset>
        <p class="actions">
          <Submit label={m.profiles.save} />
          <a class="button button--secondary" href="/profile">
            {m.common.cancel}
          </a>
        </p>
      </form>
    </div>
  );
}

export function BlockedPage({ v, blocked }: { v: ViewBase; blocked: { id: string; name: string; blockedAt: Date }[] }) {
  const { m, locale, csrfToken } = v;
  return (
    <div class="narrow">
      <h1>{m.profiles.blocks.title}</h1>
      <p>{m.profiles.blocks.intro}</p>
      {blocked.length === 0 ? (
        <p class="muted">{m.profiles.blocks.none}</p>
      ) : (
        <ul class="plain-list">
          {blocked.map((b) => (
            <li class="card">
              <strong>{b.name}</strong> <span class="muted">{fmt(m.profiles.blocks.since, { date: formatDate(b.blockedAt, locale, v.timeZone) })}</span>
              <form method="post" action={`/members/${encodeURIComponent(b.id)}/unblock`} class="inline-form">
                <CsrfField token={csrfToken} />
                <button type="submit" class="button button--secondary button--small">
                  {m.profiles.blocks.unblock}
                  <span class="visually-hidden">: {b.name}</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/profile">{m.profiles.myProfile}</a>
      </p>
    </div>
  );
}

export function ImportPage({ v, error }: { v: ViewBase; error?: string | undefined }) {
  const { m, csrfToken } = v;
  const t = m.profiles.importer;
  return (
    <div class="narrow">
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      {error ? <ErrorSummary m={m} errors={{ file: error }} /> : null}
      <form method="post" action="/profile/import" enctype="multipart/form-data" class="card">
        <CsrfField token={csrfToken} />
        <div class={`field${error ? ' field--error' : ''}`}>
          <label for="f-file">{t.file}</label>
          {error ? (
            <p class="field-error" id="f-file-error">
              {error}
            </p>
          ) : null}
          <input type="file" id="f-file" name="file" accept=".zip,application/zip" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'f-file-error' : undefined} />
        </div>
        <Submit label={t.upload} />
      </form>
      <p>
        <a href="/profile">{m.profiles.myProfile}</a>
      </p>
    </div>
  );
}

export function ImportPreviewPage({ v, changes }: { v: ViewBase; changes: { key: string; label: string; current: string; proposed: string; value: string; suggested: boolean }[] }) {
  const { m, csrfToken } = v;
  const t = m.profiles.importer;
  return (
    <div class="narrow-wide">
      <h1>{t.previewTitle}</h1>
      {changes.length === 0 ? (
        <>
          <p>{t.nothing}</p>
          <p>
            <a href="/profile">{m.profiles.myProfile}</a>
          </p>
        </>
      ) : (
        <form method="post" action="/profile/import/apply">
          <CsrfField token={csrfToken} />
          <p>{t.previewIntro}</p>
          <ul class="plain-list">
            {changes.map((c) => (
              <li class="card change">
                <input type="hidden" name={`value_${c.key}`} value={c.value} />
                <label class="choice" for={`f-apply_${c.key}`}>
                  <input type="checkbox" id={`f-apply_${c.key}`} name={`apply_${c.key}`} value="on" checked={c.suggested} />
                  <strong>{c.label}</strong>
                </label>
                <div class="change__values">
                  <div>
                    <p class="muted small">{t.current}</p>
                    <p class="prose">{c.current || t.empty}</p>
                  </div>
                  <div>
                    <p class="muted small">{t.proposed}</p>
                    <p class="prose">{c.proposed}</p>
                  </div>
                </div>
              </li>
            ))}
          </ul>
          <p class="actions">
            <Submit label={t.apply} />
            <a class="button button--secondary" href="/profile">
              {m.common.cancel}
            </a>
          </p>
        </form>
      )}
    </div>
  );
}
