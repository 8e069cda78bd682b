/** Operator pages for newsletters: the list, compose, one newsletter (preview, send, progress), recipients, sender details. */
import { raw } from 'hono/html';
import { fmt, formatDateTime, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, ErrorSummary, Input, Select, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';
import type { MailPost, Newsletter, Progress, RecipientRow } from '../newsletters.service.ts';
import type { PersonalisedMail } from '../render.ts';

export interface Base {
  m: Messages;
  csrfToken: string;
  locale: Locale;
  timeZone: string;
}

const subjectOf = (n: Pick<Newsletter, 'subjectJa' | 'subjectEn'>, locale: Locale) =>
  (locale === 'en' ? n.subjectEn || n.subjectJa : n.subjectJa || n.subjectEn) || '';

export function ListPage({ m, locale, timeZone, list, segmentNames }: Base & { list: (Newsletter & { progress: Progress })[]; segmentNames: Map<string, string> }) {
  const v = m.newsletters;
  return (
    <div>
      <h1>{v.title}</h1>
      <p class="lead">{v.intro}</p>
      <p class="actions">
        <a class="button" href="/admin/newsletters/new">
          {v.newNewsletter}
        </a>{' '}
        <a class="button button--secondary" href="/admin/newsletters/sender">
          {v.senderSettings}
        </a>
      </p>
      {list.length === 0 ? (
        <p>{v.empty}</p>
      ) : (
        <TableWrap label={v.title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{v.colSubject}</th>
                <th scope="col">{v.colState}</th>
                <th scope="col">{v.colAudience}</th>
                <th scope="col">{v.colProgress}</th>
                <th scope="col">{v.colCreated}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((n) => (
                <tr>
                  <td>
                    <a href={`/admin/newsletters/${n.id}`}>{subjectOf(n, locale) || v.untitled}</a>
                  </td>
                  <td>{v.states[n.state]}</td>
                  <td>{n.segmentId ? (segmentNames.get(n.segmentId) ?? '—') : v.everyone}</td>
                  <td>{n.progress.total > 0 ? fmt(v.progressShort, { sent: n.progress.sent, total: n.progress.total }) : '—'}</td>
                  <td>{formatDateTime(n.createdAt, locale, timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </div>
  );
}

export function ComposePage({
  m,
  csrfToken,
  values,
  errors,
  posts,
  segments,
  action,
  title,
  defaultRate,
  locale,
  chosenPosts,
}: Base & {
  values: Record<string, string>;
  errors: FieldErrors;
  posts: MailPost[];
  segments: { id: string; name: string }[];
  action: string;
  title: string;
  defaultRate: number | null;
  chosenPosts: string[];
}) {
  const v = m.newsletters.compose;
  return (
    <div>
      <h1>{title}</h1>
      <ErrorSummary m={m} errors={errors} />
      <form method="post" action={action}>
        <CsrfField token={csrfToken} />
        <p class="hint">{v.languagesHint}</p>
        {(['ja', 'en'] as const).map((l) => (
          <fieldset class="card newsletter-language">
            <legend>{v[l]}</legend>
            <Input m={m} name={`subject_${l}`} label={`${v.subject} (${v[l]})`} value={values[`subject_${l}`]} error={errors[`subject_${l}`]} maxlength={200} />
            <TextArea m={m} name={`intro_${l}`} label={`${v.introduction} (${v[l]})`} value={values[`intro_${l}`]} error={errors[`intro_${l}`]} rows={8} maxlength={20000} />
          </fieldset>
        ))}
        <fieldset class="field" id="f-posts">
          <legend>{v.posts}</legend>
          <p class="hint">{v.postsHint}</p>
          {errors.posts ? <p class="field-error">{errors.posts}</p> : null}
          {posts.length === 0 ? <p>{v.noPosts}</p> : null}
          {posts.map((p, i) => (
            // One name for every post (a list), so each box needs its own id.
            <div class="field">
              <label class="choice" for={`f-post-${i}`}>
                <input type="checkbox" id={`f-post-${i}`} name="posts" value={p.id} checked={chosenPosts.includes(p.id)} />
                <span>{(locale === 'en' ? p.titleEn || p.titleJa : p.titleJa || p.titleEn) ?? p.id}</span>
              </label>
            </div>
          ))}
        </fieldset>
        <Select
          m={m}
          name="segment"
          label={v.audience}
          hint={v.audienceHint}
          value={values.segment ?? ''}
          error={errors.segment}
          options={[{ value: '', label: m.newsletters.everyone }, ...segments.map((s) => ({ value: s.id, label: s.name }))]}
        />
        <Input m={m} name="rate" label={v.rate} hint={fmt(v.rateHint, { rate: defaultRate ?? '∞' })} value={values.rate} error={errors.rate} inputmode="numeric" maxlength={6} />
        <Submit label={v.save} />
      </form>
    </div>
  );
}

function ProgressTable({ m, p }: { m: Messages; p: Progress & { clicks: number } }) {
  const v = m.newsletters.detail;
  const rows: [string, number][] = [
    [v.total, p.total],
    [v.sent, p.sent],
    [v.failed, p.failed],
    [v.remaining, p.pending + p.sending],
    [v.skipped, p.skipped],
    [v.retried, p.retried],
    [v.resumed, p.resumed],
    [v.clicks, p.clicks],
  ];
  return (
    <dl class="stats">
      {rows.map(([label, value]) => (
        <div>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export interface DetailProps extends Base {
  n: Newsletter;
  segmentName: string | null;
  audience: number;
  senderReady: boolean;
  canSend: boolean;
  progress: Progress & { clicks: number };
  examples: { id: string; name: string; locale: Locale }[];
  preview: (PersonalisedMail & { locale: Locale }) | null;
  previewAs: string;
  previewLocale: Locale;
  scheduleValue: string;
  errors: FieldErrors;
  nonce: string | undefined;
}

export function DetailPage(p: DetailProps) {
  const { m, n, locale, timeZone, csrfToken } = p;
  const v = m.newsletters.detail;
  const live = n.state === 'sending';
  const action = (path: string, label: string, secondary = false) => (
    <form method="post" action={`/admin/newsletters/${n.id}/${path}`} class="inline-form">
      <CsrfField token={csrfToken} />
      <Submit label={label} secondary={secondary} />
    </form>
  );
  return (
    <div class="newsletter-detail">
      <h1>{subjectOf(n, locale) || m.newsletters.untitled}</h1>
      <p>
        <strong>{m.newsletters.colState}:</strong> {m.newsletters.states[n.state]} · <strong>{m.newsletters.colAudience}:</strong>{' '}
        {p.segmentName ?? m.newsletters.everyone}
      </p>
      {n.state === 'scheduled' && n.scheduledAt ? <p>{fmt(v.scheduledFor, { at: formatDateTime(n.scheduledAt, locale, timeZone) })}</p> : null}
      {n.startedAt ? <p>{fmt(v.startedAt, { at: formatDateTime(n.startedAt, locale, timeZone) })}</p> : null}
      {n.finishedAt ? <p>{fmt(v.finishedAt, { at: formatDateTime(n.finishedAt, locale, timeZone) })}</p> : null}
      <ErrorSummary m={m} errors={p.errors} />
      {!p.senderReady ? (
        <div class="notice notice--warning" role="status">
          <p>{v.noSender}</p>
          <p>
            <a href="/admin/newsletters/sender">{v.fillSender}</a>
          </p>
        </div>
      ) : null}

      {n.state === 'draft' || n.state === 'scheduled' ? (
        <section aria-labelledby="send-title">
          <h2 id="send-title">{m.newsletters.title}</h2>
          <p>{fmt(v.recipientsNow, { count: p.audience })}</p>
          {/* A div: a <form> inside a <p> closes the paragraph, and the buttons fell out of the row. */}
          <div class="actions">
            {n.state === 'draft' ? (
              <a class="button button--secondary" href={`/admin/newsletters/${n.id}/edit`}>
                {v.edit}
              </a>
            ) : null}
            {p.senderReady ? action('test', v.sendTest, true) : null}
          </div>
          {!p.canSend ? <p class="hint">{v.operatorsOnly}</p> : null}
          {p.canSend && p.senderReady ? (
            <>
              <p class="hint">{v.sendConfirmHint}</p>
              {action('send', fmt(v.sendNow, { count: p.audience }))}
              <h3>{v.scheduleTitle}</h3>
              <form method="post" action={`/admin/newsletters/${n.id}/schedule`}>
                <CsrfField token={csrfToken} />
                <Input m={m} name="at" type="datetime-local" label={fmt(v.scheduleAt, { timeZone })} value={p.scheduleValue} error={p.errors.at} />
                <Submit label={v.schedule} secondary />
              </form>
              {n.state === 'scheduled' ? action('unschedule', v.unschedule, true) : null}
            </>
          ) : null}
        </section>
      ) : null}

      {n.state !== 'draft' && n.state !== 'scheduled' ? (
        <section aria-labelledby="progress-title" id="progress" data-live={live ? 'true' : undefined}>
          <h2 id="progress-title">{v.progressTitle}</h2>
          <ProgressTable m={m} p={p.progress} />
          {/* Shown by the refresh script: without JavaScript nothing refreshes by itself. */}
          {live ? (
            <p class="hint" data-auto-refresh hidden>
              {v.autoRefresh}
            </p>
          ) : null}
          <p class="actions">
            {/* No #fragment: a link that differs from the page's address only by its fragment
                scrolls instead of loading, so without JavaScript "refresh" did nothing. */}
            <a class="button button--secondary" href={`/admin/newsletters/${n.id}`}>
              {v.refresh}
            </a>
            <a href={`/admin/newsletters/${n.id}/recipients`}>{v.recipients}</a>
          </p>
          {p.canSend && (n.state === 'sending' || n.state === 'paused') ? (
            <div class="actions">
              {n.state === 'sending' ? action('pause', v.pause, true) : null}
              {n.state === 'paused' ? action('resume', v.resume) : null}
              {action('cancel', v.cancel, true)}
            </div>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="preview-title">
        <h2 id="preview-title">{v.preview}</h2>
        <form method="get" action={`/admin/newsletters/${n.id}#preview-title`}>
          <Select
            m={m}
            name="previewLang"
            label={v.previewLanguage}
            value={p.previewLocale}
            options={[
              { value: 'ja', label: m.newsletters.compose.ja },
              { value: 'en', label: m.newsletters.compose.en },
            ]}
          />
          <Select
            m={m}
            name="as"
            label={v.previewAs}
            value={p.previewAs}
            options={[{ value: '', label: v.sampleName }, ...p.examples.map((e) => ({ value: e.id, label: `${e.name} (${e.locale})` }))]}
          />
          <Submit label={v.showPreview} secondary />
        </form>
        {p.preview ? (
          <div class="newsletter-preview">
            <p>{fmt(v.previewSubject, { subject: p.preview.subject })}</p>
            <p>{fmt(v.previewLang, { language: p.preview.locale === 'en' ? m.newsletters.compose.en : m.newsletters.compose.ja })}</p>
            <h3>{v.htmlPart}</h3>
            <div class="card newsletter-preview__html" lang={p.preview.locale}>
              {raw(bodyOf(p.preview.html))}
            </div>
            <h3>{v.textPart}</h3>
            <pre class="card newsletter-preview__text" lang={p.preview.locale} tabindex={0}>
              {p.preview.text}
            </pre>
          </div>
        ) : null}
      </section>
      {live && p.nonce ? <script nonce={p.nonce}>{raw(REFRESH_SCRIPT)}</script> : null}
    </div>
  );
}

/**
 * The inner part of the message's <body> (the message HTML is our own, escaped template).
 * Its inline styles are for mail clients: the page's CSP (style-src 'self') would block each
 * one with a console error, so they are dropped and the style sheet styles the preview.
 */
function bodyOf(html: string): string {
  const start = html.indexOf('<body');
  const open = html.indexOf('>', start) + 1;
  const end = html.lastIndexOf('</body>');
  if (start < 0 || end <= open) return '';
  return html
    .slice(open, end)
    .replace(/ style="[^"]*"/g, '')
    .replace(/<h2>/g, '<h4>')
    .replace(/<\/h2>/g, '</h4>');
}

// With JavaScript, the progress section is fetched again every 3 seconds while sending.
const REFRESH_SCRIPT = `(() => {
  const showHint = () => document.querySelectorAll('[data-auto-refresh]').forEach((el) => el.removeAttribute('hidden'));
  showHint();
  const tick = async () => {
    const section = document.getElementById('progress');
    if (!section || !section.dataset.live) return;
    try {
      const res = await fetch(location.pathname, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = doc.getElementById('progress');
      if (fresh) section.replaceWith(fresh);
      showHint();
    } catch (e) {}
    setTimeout(tick, 3000);
  };
  setTimeout(tick, 3000);
})();`;

export function RecipientsPage({
  m,
  locale,
  timeZone,
  n,
  rows,
  page,
  state,
  hasMore,
}: Base & { n: Newsletter; rows: RecipientRow[]; page: number; state: string; hasMore: boolean }) {
  const v = m.newsletters.recipients;
  const link = (p: number) => `/admin/newsletters/${n.id}/recipients?page=${p}${state ? `&state=${state}` : ''}`;
  return (
    <div>
      <h1>{fmt(v.title, { subject: subjectOf(n, locale) || m.newsletters.untitled })}</h1>
      <p class="hint">{v.audited}</p>
      <form method="get" action={`/admin/newsletters/${n.id}/recipients`}>
        <Select
          m={m}
          name="state"
          label={v.filter}
          value={state}
          options={[{ value: '', label: v.all }, ...(['pending', 'sending', 'sent', 'failed', 'skipped'] as const).map((s) => ({ value: s, label: v.states[s] }))]}
        />
        <Submit label={m.common.filter} secondary />
      </form>
      {rows.length === 0 ? (
        <p>{v.empty}</p>
      ) : (
        <TableWrap label={v.title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{v.colName}</th>
                <th scope="col">{v.colAddress}</th>
                <th scope="col">{v.colLanguage}</th>
                <th scope="col">{v.colState}</th>
                <th scope="col">{v.colAttempts}</th>
                <th scope="col">{v.colConsent}</th>
                <th scope="col">{v.colNote}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>{r.name}</td>
                  <td>{r.address}</td>
                  <td>{r.locale}</td>
                  <td>{v.states[r.state]}</td>
                  <td>{r.attempts}</td>
                  <td>
                    {r.consentSource && r.consentGivenAt
                      ? fmt(v.consent, { source: r.consentSource, at: formatDateTime(r.consentGivenAt, locale, timeZone), version: r.consentVersion ?? '' })
                      : v.noConsent}
                  </td>
                  <td>{r.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <p class="actions">
        {page > 0 ? <a href={link(page - 1)}>{v.previous}</a> : null} {hasMore ? <a href={link(page + 1)}>{v.next}</a> : null}
      </p>
    </div>
  );
}

export function SenderPage({ m, csrfToken, values, errors }: Base & { values: Record<string, string>; errors: FieldErrors }) {
  const v = m.newsletters.sender;
  return (
    <div>
      <h1>{v.title}</h1>
      <p>{v.intro}</p>
      <ErrorSummary m={m} errors={errors} />
      <form method="post" action="/admin/newsletters/sender">
        <CsrfField token={csrfToken} />
        <Input m={m} name="senderName" label={v.name} value={values.senderName} error={errors.senderName} required maxlength={200} />
        <TextArea m={m} name="senderPostalAddress" label={v.postalAddress} value={values.senderPostalAddress} error={errors.senderPostalAddress} required rows={3} maxlength={500} />
        <Input m={m} name="senderContact" label={v.contact} value={values.senderContact} error={errors.senderContact} required maxlength={300} />
        <Submit label={v.save} />
      </form>
    </div>
  );
}
