/**
 * Parts shared by the request and feedback pages: the conversation (replies, and internal notes
 * for staff, marked in words), the reply and note forms, and the history of status changes.
 */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { fmt, formatDateTime, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { renderMarkdown } from '../../../shared/markdown.ts';
import { CsrfField, ErrorSummary, Submit, TextArea } from '../../../shared/views/form.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';
import { Pager } from '../../groups/views/GroupPages.tsx';
import type { CaseNote, Transition } from '../../cases/cases.repository.ts';
import { MAX_REPLY } from '../requests.form.ts';

export interface ViewBase {
  m: Messages;
  csrfToken: string;
  locale: Locale;
  timeZone: string;
}

/** What a form on a page sent back: its value and its error (a page re-rendered with 422). */
export interface FormState {
  value?: string | undefined;
  error?: string | undefined;
}

/** The request or feedback text itself, and the conversation under it. */
export function Conversation({ v, notes, empty }: { v: ViewBase; notes: CaseNote[]; empty: string }) {
  const p = v.m.requests.page;
  return (
    <section aria-labelledby="thread-title">
      <h2 id="thread-title">{p.thread}</h2>
      {notes.length === 0 ? <p class="muted">{empty}</p> : null}
      <ol class="feed">
        {notes.map((n) => (
          <li class="feed-item" id={`note-${n.id}`}>
            <p class="small">
              {n.internal ? (
                <>
                  <span class="badge badge--staff">{p.internalBadge}</span>{' '}
                </>
              ) : null}
              {fmt(p.replyBy, { name: n.authorName ?? p.formerMember, date: formatDateTime(n.createdAt, v.locale, v.timeZone) })}
            </p>
            <div>{raw(renderMarkdown(n.body))}</div>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A reply (the member sees it) or an internal note (staff only); the two have their own ids on one page. */
export function NoteForm(p: { v: ViewBase; action: string; kind: 'reply' | 'note'; title: string; label: string; hint: string; submit: string; form: FormState }) {
  const { m, csrfToken } = p.v;
  const id = `f-${p.kind}`;
  return (
    <form method="post" action={p.action} class="card" novalidate id={p.kind}>
      <h2 id={`${p.kind}-title`}>{p.title}</h2>
      <CsrfField token={csrfToken} />
      {p.form.error ? <ErrorSummary m={m} errors={{ [p.kind]: p.form.error }} /> : null}
      <TextArea m={m} id={id} name="body" label={p.label} hint={fmt(m.requests.page.hintWithLimit, { hint: p.hint, limit: fmt(m.requests.page.replyHint, { max: MAX_REPLY }) })} value={p.form.value} error={p.form.error} maxlength={MAX_REPLY} rows={4} required />
      <Submit label={p.submit} secondary={p.kind === 'note'} />
    </form>
  );
}

/** Status changes, oldest first, with who made them; `label` names a state. */
export function History({ v, history, label }: { v: ViewBase; history: Transition[]; label: (state: string) => string }) {
  const p = v.m.requests.page;
  if (history.length === 0) return null;
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{p.history}</h2>
      <ol class="timeline">
        {history.map((h) => {
          const vars = { date: formatDateTime(h.at, v.locale, v.timeZone), to: label(h.toState), actor: h.actorName ?? p.system };
          return <li>{h.fromState ? fmt(p.historyItem, { ...vars, from: label(h.fromState) }) : fmt(p.historyFirst, vars)}</li>;
        })}
      </ol>
    </section>
  );
}

/** The request or the feedback's own text (Markdown, rendered safely). */
export function CaseBody({ title, body }: { title: string; body: string }) {
  return (
    <section aria-labelledby="body-title" class="card">
      <h2 id="body-title">{title}</h2>
      {raw(renderMarkdown(body))}
    </section>
  );
}

/**
 * A staff queue (requests, feedback): filters sent by GET, the count, a table of cases (one row
 * each, built by the page) and the pages; `href(page)` keeps the filters.
 */
export function QueueLayout(p: {
  v: ViewBase;
  title: string;
  intro: string;
  action: string;
  filtersLabel: string;
  filterLabel: string;
  filters: Child;
  count: string;
  empty: string;
  headers: string[];
  rows: Child[];
  page: number;
  hasNext: boolean;
  href: (page: number) => string;
}) {
  const r = p.v.m.requests;
  return (
    <div>
      <h1>{p.title}</h1>
      <p class="lead">{p.intro}</p>
      <form method="get" action={p.action} class="filters card" aria-label={p.filtersLabel}>
        {p.filters}
        <button type="submit" class="button button--secondary">
          {p.filterLabel}
        </button>
      </form>
      <p role="status">{p.count}</p>
      {p.rows.length === 0 ? (
        <p>{p.empty}</p>
      ) : (
        <TableWrap label={p.title}>
          <table>
            <thead>
              <tr>
                {p.headers.map((h) => (
                  <th scope="col">{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>{p.rows}</tbody>
          </table>
        </TableWrap>
      )}
      <Pager label={r.pagesLabel} prev={p.page > 1 ? p.href(p.page - 1) : null} next={p.hasNext ? p.href(p.page + 1) : null} prevLabel={r.previous} nextLabel={r.next} />
    </div>
  );
}

/** A case's title in a queue, flagged when the member's reply waits for an answer. */
export function QueueTitle({ href, title, awaiting, label }: { href: string; title: string; awaiting: boolean; label: string }) {
  return (
    <td>
      <a href={href}>{title}</a>
      {awaiting ? (
        <div>
          <span class="badge badge--private">{label}</span>
        </div>
      ) : null}
    </td>
  );
}
