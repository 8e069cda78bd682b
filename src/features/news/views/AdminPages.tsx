/** Editors' news pages: the post list (state, audience, schedule), the editor with its preview, and the reports queue. */
import { raw } from 'hono/html';
import { CONTENT_AUDIENCES, POST_CATEGORIES, WANTS } from '../../../db/schema.ts';
import { fmt, formatDateTime } from '../../../shared/i18n/index.ts';
import { renderMarkdown } from '../../../shared/markdown.ts';
import { Checkbox, Checkboxes, CsrfField, ErrorSummary, Input, Radios, Select, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';
import { MAX_BODY, MAX_TITLE } from '../news.form.ts';
import type { CoverView, PostView } from '../news.present.ts';
import type { AdminFilter, AdminRow, ReportRow } from '../news.service.ts';
import { Cover, NewsStyles, PostArticle, type ViewBase } from './NewsPages.tsx';

const FILTERS: AdminFilter[] = ['all', 'draft', 'scheduled', 'published', 'archived'];

export interface AdminListRow extends AdminRow {
  /** The state as readers see it now (a scheduled post whose time passed is published). */
  shownState: AdminRow['state'];
  shownTitle: string;
}

export function AdminListPage(p: { v: ViewBase; rows: AdminListRow[]; filter: AdminFilter; page: number; hasNext: boolean; openReports: number; canModerate: boolean }) {
  const { m, locale, timeZone, csrfToken } = p.v;
  const n = m.news;
  const a = n.admin;
  const href = (filter: AdminFilter, page = 1) => {
    const q = new URLSearchParams();
    if (filter !== 'all') q.set('state', filter);
    if (page > 1) q.set('page', String(page));
    const s = q.toString();
    return s ? `/admin/news?${s}` : '/admin/news';
  };
  return (
    <div>
      <NewsStyles />
      <h1>{a.title}</h1>
      <p>{a.intro}</p>
      <div class="actions">
        <a class="button" href="/admin/news/new">
          {n.write}
        </a>
        {p.canModerate ? (
          <a class="button button--secondary" href="/admin/news/reports">
            {fmt(a.reports, { count: p.openReports })}
          </a>
        ) : null}
      </div>
      <nav class="tabs" aria-label={a.filterLabel}>
        <span class="tabs__label">{a.filterLabel}:</span>
        <ul>
          {FILTERS.map((f) => (
            <li>
              <a href={href(f)} aria-current={p.filter === f ? 'page' : undefined}>
                {a.filters[f]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {p.rows.length === 0 ? (
        <p class="card">{a.empty}</p>
      ) : (
        <TableWrap label={a.tableLabel}>
          <table>
            <thead>
              <tr>
                <th scope="col">{a.columns.title}</th>
                <th scope="col">{a.columns.state}</th>
                <th scope="col">{a.columns.audience}</th>
                <th scope="col">{a.columns.category}</th>
                <th scope="col">{a.columns.timing}</th>
                <th scope="col">{a.columns.comments}</th>
                <th scope="col">{a.columns.actions}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((row) => (
                <tr>
                  <td>
                    {row.pinned ? <span class="badge badge--alumni">{n.pinned}</span> : null} {row.shownTitle || a.untitled}
                  </td>
                  <td class="nowrap">
                    <span class={`badge news-state news-state--${row.shownState}`}>{n.states[row.shownState]}</span>
                  </td>
                  <td>{row.audience === 'segment' ? `${n.audiences.segment}: ${row.segmentName ?? ''}` : n.audiences[row.audience]}</td>
                  <td>{n.categories[row.category]}</td>
                  <td>
                    {row.shownState === 'scheduled' && row.publishedAt
                      ? fmt(a.scheduledFor, { date: formatDateTime(row.publishedAt, locale, timeZone) })
                      : row.shownState === 'published' && row.publishedAt
                        ? fmt(a.publishedOn, { date: formatDateTime(row.publishedAt, locale, timeZone) })
                        : a.notPublished}
                  </td>
                  <td>
                    {row.comments}
                    {row.openReports > 0 ? <span class="badge badge--private">{fmt(a.openReports, { count: row.openReports })}</span> : null}
                  </td>
                  <td>
                    <div class="actions small news-row-actions">
                      <a href={`/admin/news/${row.id}/edit`}>{a.editPost}</a>
                      {row.shownState === 'published' ? <a href={`/news/${row.id}`}>{a.view}</a> : null}
                      {row.shownState !== 'archived' ? (
                        <form method="post" action={`/admin/news/${row.id}/archive`} class="inline-form">
                          <CsrfField token={csrfToken} />
                          <button type="submit" class="link-button">
                            {n.editor.archive}
                          </button>
                        </form>
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {p.page > 1 || p.hasNext ? (
        <nav class="pager" aria-label={n.pagesLabel}>
          {p.page > 1 ? <a href={href(p.filter, p.page - 1)}>{m.common.previous}</a> : null}
          {p.hasNext ? <a href={href(p.filter, p.page + 1)}>{m.common.next}</a> : null}
        </nav>
      ) : null}
    </div>
  );
}

export function EditorPage(p: {
  v: ViewBase;
  id: string | null;
  values: Record<string, string>;
  errors: FieldErrors;
  segments: { id: string; name: string }[];
  cover: CoverView | null;
  /** Since when the post is live (editing keeps it live), or null. */
  liveSince: Date | null;
  archived: boolean;
  previews: PostView[];
}) {
  const { m, locale, timeZone, csrfToken } = p.v;
  const n = m.news;
  const e = n.editor;
  const val = p.values;
  const action = p.id ? `/admin/news/${p.id}/edit` : '/admin/news/new';
  return (
    <div class="narrow-wide">
      <NewsStyles />
      <p class="small">
        <a href="/admin/news">← {n.admin.title}</a>
      </p>
      <h1>{p.id ? e.editTitle : e.newTitle}</h1>
      <p>{e.intro}</p>
      <ErrorSummary m={m} errors={p.errors} />
      {p.previews.length ? (
        <section class="card news-preview" aria-labelledby="preview-title">
          <h2 id="preview-title">{e.previewTitle}</h2>
          <p class="notice">{e.previewNote}</p>
          {p.previews.map((post) => (
            <div class="news-preview__version">
              <PostArticle v={p.v} post={post} headingLevel={2} preview />
            </div>
          ))}
        </section>
      ) : null}
      <form method="post" action={action} enctype="multipart/form-data" class="profile-form news-editor" novalidate>
        <CsrfField token={csrfToken} />
        {(['Ja', 'En'] as const).map((lang) => (
          <fieldset class="card" lang={lang === 'Ja' ? 'ja' : 'en'}>
            <legend lang={locale}>{lang === 'Ja' ? e.versionJa : e.versionEn}</legend>
            <Input m={m} name={`title${lang}`} label={e.titleField} value={val[`title${lang}`]} error={p.errors[`title${lang}`]} maxlength={MAX_TITLE} />
            <TextArea m={m} name={`body${lang}`} label={e.body} hint={e.bodyHint} value={val[`body${lang}`]} error={p.errors[`body${lang}`]} maxlength={MAX_BODY} rows={12} />
          </fieldset>
        ))}
        <fieldset class="card">
          <legend>{e.settings}</legend>
          <Select
            m={m}
            name="category"
            label={e.category}
            value={val.category}
            error={p.errors.category}
            required
            options={POST_CATEGORIES.map((c) => ({ value: c, label: n.categories[c] }))}
          />
          <Radios
            m={m}
            name="audience"
            label={e.audience}
            hint={e.audienceHint}
            value={val.audience}
            error={p.errors.audience}
            required
            options={CONTENT_AUDIENCES.map((a) => ({ value: a, label: n.audiences[a] }))}
          />
          {p.segments.length ? (
            <Select
              m={m}
              name="segmentId"
              label={e.segment}
              hint={e.segmentHint}
              value={val.segmentId}
              error={p.errors.segmentId}
              options={[{ value: '', label: e.chooseSegment }, ...p.segments.map((s) => ({ value: s.id, label: s.name }))]}
            />
          ) : (
            <p class={p.errors.segmentId ? 'field-error' : 'hint'} id="f-segmentId">
              {p.errors.segmentId ? `${p.errors.segmentId} ` : ''}
              {e.noSegments}
            </p>
          )}
        </fieldset>
        <Checkboxes card name="wants" legend={e.wants} hint={e.wantsHint} options={WANTS.map((w) => ({ value: w, label: m.profiles.wants[w] }))} checked={(val.wants ?? '').split(',')} />
        <fieldset class="card">
          <legend>{e.cover}</legend>
          {p.cover ? (
            <div class="field">
              <p class="hint">{e.currentCover}</p>
              <Cover cover={p.cover} variant="thumb" />
              <Checkbox m={m} name="removeCover" label={e.removeCover} checked={val.removeCover === '1'} />
            </div>
          ) : null}
          <div class={`field${p.errors.cover ? ' field--error' : ''}`}>
            <label for="f-cover">{e.cover}</label>
            <p class="hint" id="f-cover-hint">
              {e.coverHint}
            </p>
            {p.errors.cover ? (
              <p class="field-error" id="f-cover-error">
                {p.errors.cover}
              </p>
            ) : null}
            <input
              type="file"
              id="f-cover"
              name="cover"
              accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
              aria-describedby={p.errors.cover ? 'f-cover-hint f-cover-error' : 'f-cover-hint'}
              aria-invalid={p.errors.cover ? 'true' : undefined}
            />
          </div>
        </fieldset>
        <fieldset class="card">
          <legend>{e.options}</legend>
          <Checkbox m={m} name="pinned" label={e.pinned} checked={val.pinned === '1'} />
          <Checkbox m={m} name="commentsOpen" label={e.commentsOpen} checked={val.commentsOpen === '1'} />
        </fieldset>
        <fieldset class="card">
          <legend>{e.publishing}</legend>
          {p.liveSince ? (
            <p>{fmt(e.liveNote, { date: formatDateTime(p.liveSince, locale, timeZone) })}</p>
          ) : (
            <div class={`field${p.errors.publishAt ? ' field--error' : ''}`}>
              <label for="f-publishAt">{e.publishAt}</label>
              <p class="hint" id="f-publishAt-hint">
                {fmt(e.publishAtHint, { zone: timeZone })}
              </p>
              {p.errors.publishAt ? (
                <p class="field-error" id="f-publishAt-error">
                  {p.errors.publishAt}
                </p>
              ) : null}
              <input
                type="datetime-local"
                id="f-publishAt"
                name="publishAt"
                value={val.publishAt}
                aria-describedby={p.errors.publishAt ? 'f-publishAt-hint f-publishAt-error' : 'f-publishAt-hint'}
                aria-invalid={p.errors.publishAt ? 'true' : undefined}
              />
            </div>
          )}
          <div class="actions">
            <button type="submit" name="intent" value="publish" class="button">
              {p.liveSince ? e.update : e.publish}
            </button>
            <button type="submit" name="intent" value="draft" class="button button--secondary">
              {p.liveSince ? e.unpublish : e.saveDraft}
            </button>
            <button type="submit" name="intent" value="preview" class="button button--secondary">
              {e.preview}
            </button>
          </div>
        </fieldset>
      </form>
      {p.id && !p.archived ? (
        <form method="post" action={`/admin/news/${p.id}/archive`} class="card">
          <CsrfField token={csrfToken} />
          <p class="hint">{e.archiveHint}</p>
          <button type="submit" class="button button--secondary">
            {e.archive}
          </button>
        </form>
      ) : null}
    </div>
  );
}

export function ReportsPage(p: { v: ViewBase; rows: (ReportRow & { postTitle: string })[]; page: number; hasNext: boolean }) {
  const { m, locale, timeZone, csrfToken } = p.v;
  const r = m.news.reports;
  return (
    <div class="narrow-wide">
      <NewsStyles />
      <p class="small">
        <a href="/admin/news">← {m.news.admin.title}</a>
      </p>
      <h1>{r.title}</h1>
      <p>{r.intro}</p>
      {p.rows.length === 0 ? <p class="card">{r.empty}</p> : null}
      <ul class="plain-list">
        {p.rows.map((row) => (
          <li class="card" id={`report-${row.id}`}>
            <p class="small">
              <a href={`/news/${row.postId}#comments`}>{fmt(r.on, { title: row.postTitle })}</a>
            </p>
            <p class="small muted">{fmt(r.author, { name: row.authorName, date: formatDateTime(row.commentAt, locale, timeZone) })}</p>
            <blockquote class="news-body">{raw(renderMarkdown(row.commentBody))}</blockquote>
            <p class="small muted">{fmt(r.reporter, { name: row.reporterName, date: formatDateTime(row.createdAt, locale, timeZone) })}</p>
            <p>
              <strong>{r.reason}:</strong> <span class="prose">{row.reason}</span>
            </p>
            {row.commentHidden ? <p class="muted">{r.alreadyHidden}</p> : null}
            <div class="actions">
              {row.commentHidden ? null : (
                <form method="post" action={`/admin/news/reports/${row.id}/hide`} class="inline-form">
                  <CsrfField token={csrfToken} />
                  <button type="submit" class="button">
                    {r.hide}
                  </button>
                </form>
              )}
              <form method="post" action={`/admin/news/reports/${row.id}/dismiss`} class="inline-form">
                <CsrfField token={csrfToken} />
                <button type="submit" class="button button--secondary">
                  {r.dismiss}
                </button>
              </form>
            </div>
          </li>
        ))}
      </ul>
      {p.page > 1 || p.hasNext ? (
        <nav class="pager" aria-label={m.news.pagesLabel}>
          {p.page > 1 ? <a href={`/admin/news/reports?page=${p.page - 1}`}>{m.common.previous}</a> : null}
          {p.hasNext ? <a href={`/admin/news/reports?page=${p.page + 1}`}>{m.common.next}</a> : null}
        </nav>
      ) : null}
    </div>
  );
}
