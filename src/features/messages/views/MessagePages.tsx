/** Members' message pages: the inbox, a conversation, starting one (with a member, with the company), reporting a message. */
import { fmt, formatDateTime, type Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, ErrorSummary, Input, Select, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { Pager, type ViewBase } from '../../groups/views/GroupPages.tsx';
import { MAX_BODY, MAX_REASON, MAX_SUBJECT } from '../messages.form.ts';
import type { InboxRow, MessageRow, Refusal, Thread } from '../messages.service.ts';

export type { ViewBase };

// ASCII URL characters only: Japanese text often follows a link without a space.
const URL_PATTERN = /https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)'\]]+$/;

/**
 * A message as plain text: escaped by JSX, line breaks kept (`prose` is pre-wrap), and http(s)
 * addresses made into links that show the address itself, so no link can pretend to go elsewhere.
 */
export function MessageText({ text }: { text: string }) {
  const parts: (string | { url: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    if (!URL.canParse(url)) continue;
    parts.push(text.slice(last, match.index), { url });
    last = match.index + url.length;
  }
  parts.push(text.slice(last));
  return (
    <p class="prose">
      {parts.map((p) =>
        typeof p === 'string' ? (
          p
        ) : (
          <a href={p.url} rel="nofollow noopener noreferrer ugc">
            {p.url}
          </a>
        ),
      )}
    </p>
  );
}

/** A refusal in words, with the way out when the actor can change it. */
export function RefusalNotice({ m, refusal, name }: { m: Messages; refusal: Refusal; name: string }) {
  const r = m.messages.refusals;
  const own = refusal === 'myContact' || refusal === 'meUnlisted';
  return (
    <div class="notice notice--warning" role="status">
      <p>{fmt(r[refusal], { name })}</p>
      {own ? (
        <p>
          <a href="/profile/edit">{r.editProfile}</a>
        </p>
      ) : null}
    </div>
  );
}

/** Carries the page's attribution (`src`) through the form. */
function SourceField({ src }: { src: string | null }) {
  return src ? <input type="hidden" name="src" value={src} /> : null;
}

// ---------------------------------------------------------------- the inbox

export function InboxPage(p: { v: ViewBase; rows: InboxRow[]; viewerId: string; page: number; hasNext: boolean; canWriteCompany: boolean; secretariat: boolean }) {
  const { v } = p;
  const { m, locale, timeZone } = v;
  const t = m.messages.inbox;
  const href = (n: number) => (n > 1 ? `/messages?page=${n}` : '/messages');
  return (
    <div class="narrow-wide">
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      {p.canWriteCompany ? (
        <>
          <p class="actions">
            <a class="button" href="/messages/company">
              {t.toCompany}
            </a>
            <a class="button button--secondary" href="/members">
              {t.findMember}
            </a>
          </p>
          <p class="hint">{t.memberHint}</p>
        </>
      ) : null}
      {p.secretariat ? (
        <p class="card">
          {t.secretariat} <a href="/admin/messages">{t.secretariatLink}</a>
        </p>
      ) : null}
      {p.rows.length === 0 ? (
        <p class="card">{t.none}</p>
      ) : (
        <ul class="feed" aria-label={t.listLabel}>
          {p.rows.map((r) => {
            const company = r.kind === 'company';
            const title = company ? (r.otherName ? `${r.subject ?? ''} — ${r.otherName}` : (r.subject ?? '')) : (r.otherName ?? m.messages.formerMember);
            return (
              <li class="feed-item">
                <p>
                  <a href={`/messages/${r.id}`}>
                    <strong>{title}</strong>
                  </a>{' '}
                  {company ? <span class="badge badge--staff">{r.assigneeId === p.viewerId ? t.assignedToYou : t.withCompany}</span> : null}{' '}
                  {r.unread > 0 ? <span class="badge badge--alumni">{fmt(t.unread, { count: r.unread })}</span> : null}
                </p>
                <p class="small muted">
                  {r.lastBody === null ? t.hiddenLast : excerpt(r.lastBody)}
                  <br />
                  <time datetime={r.lastMessageAt.toISOString()}>{fmt(t.last, { date: formatDateTime(r.lastMessageAt, locale, timeZone) })}</time>
                </p>
              </li>
            );
          })}
        </ul>
      )}
      <Pager label={t.pagesLabel} prev={p.page > 1 ? href(p.page - 1) : null} next={p.hasNext ? href(p.page + 1) : null} prevLabel={m.messages.previous} nextLabel={m.messages.next} />
      <p class="small muted">
        {t.mailSettings}
        <a href="/account/mail">{t.mailSettingsLink}</a>
      </p>
    </div>
  );
}

/** The first line of a message, shortened for a list. */
function excerpt(body: string, max = 80): string {
  const line = body.replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : line;
}

// ---------------------------------------------------------------- a conversation

/** Who wrote a message, as the viewer should read it. */
function senderLabel(m: Messages, thread: Thread, msg: MessageRow, viewerId: string): string {
  const t = m.messages.thread;
  if (msg.senderId === viewerId) return t.you;
  const name = msg.senderName ?? m.messages.formerMember;
  const staff = thread.kind === 'company' && msg.senderId !== thread.memberId;
  return staff ? fmt(t.asCompany, { name }) : name;
}

export function ThreadPage(p: { v: ViewBase; thread: Thread; viewerId: string; reply: { value?: string | undefined; error?: string | undefined }; assignError?: string | undefined }) {
  const { v, thread } = p;
  const { m, locale, timeZone, csrfToken } = v;
  const t = m.messages.thread;
  const name = thread.counterpart?.name ?? '';
  const heading = thread.kind === 'member' ? fmt(t.withMember, { name }) : (thread.subject ?? m.messages.admin.noSubject);
  const back = thread.side === 'staff' && thread.employees ? '/admin/messages' : '/messages';
  return (
    <div class="narrow">
      <p class="small">
        <a href={back}>← {thread.side === 'staff' && thread.employees ? m.messages.reports.back : t.back}</a>
      </p>
      <h1>{heading}</h1>
      {thread.kind === 'company' ? (
        <p class="muted">
          {thread.side === 'staff' ? fmt(t.staffIntro, { name }) : t.companyIntro}
        </p>
      ) : null}
      {thread.truncated ? <p class="small muted">{fmt(t.olderNotShown, { count: thread.messages.length })}</p> : null}
      <ol class="plain-list" aria-label={t.listLabel}>
        {thread.messages.map((msg) => {
          const label = senderLabel(m, thread, msg, p.viewerId);
          const date = formatDateTime(msg.createdAt, locale, timeZone);
          return (
            <li class="card" id={`message-${msg.id}`}>
              <p class="small muted">
                <strong>{label}</strong> · <time datetime={msg.createdAt.toISOString()}>{date}</time>
              </p>
              {msg.hidden ? <p class="muted">{t.hidden}</p> : <MessageText text={msg.body} />}
              {!msg.hidden && msg.senderId !== p.viewerId ? (
                <p class="small">
                  {msg.reportedByMe ? (
                    <span class="muted">{t.reported}</span>
                  ) : (
                    <a href={`/messages/${thread.id}/messages/${msg.id}/report`} aria-label={fmt(t.reportLabel, { name: label, date })}>
                      {t.report}
                    </a>
                  )}
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>
      {thread.refusal ? (
        <RefusalNotice m={m} refusal={thread.refusal} name={name} />
      ) : (
        <section class="card" aria-labelledby="reply-title">
          <h2 id="reply-title">{t.replyTitle}</h2>
          <ErrorSummary m={m} errors={{ body: p.reply.error }} />
          <form method="post" action={`/messages/${thread.id}`} novalidate>
            <CsrfField token={csrfToken} />
            <TextArea m={m} name="body" label={t.body} hint={fmt(t.bodyHint, { max: MAX_BODY })} value={p.reply.value} error={p.reply.error} maxlength={MAX_BODY} rows={5} required />
            <Submit label={t.send} />
          </form>
          {thread.kind === 'member' ? <p class="small muted">{t.mailNote}</p> : null}
        </section>
      )}
      {thread.employees ? <AssignForm v={v} thread={thread} employees={thread.employees} error={p.assignError} /> : null}
      {thread.kind === 'member' ? (
        <details class="card">
          <summary>{fmt(t.blockTitle, { name })}</summary>
          <p>{fmt(t.blockIntro, { name })}</p>
          <form method="post" action={`/messages/${thread.id}/block`}>
            <CsrfField token={csrfToken} />
            <Submit label={t.blockButton} secondary />
          </form>
        </details>
      ) : null}
    </div>
  );
}

function AssignForm({ v, thread, employees, error }: { v: ViewBase; thread: Thread; employees: { id: string; name: string }[]; error?: string | undefined }) {
  const { m, csrfToken } = v;
  const a = m.messages.assign;
  return (
    <section class="card" aria-labelledby="assign-title">
      <h2 id="assign-title">{a.title}</h2>
      <p>{thread.assignee ? fmt(a.assignedTo, { name: thread.assignee.name }) : a.secretariat}</p>
      <form method="post" action={`/admin/messages/${thread.id}/assign`}>
        <CsrfField token={csrfToken} />
        <Select
          m={m}
          name="assignee"
          label={a.label}
          hint={a.hint}
          value={thread.assignee?.id ?? ''}
          error={error}
          options={[{ value: '', label: a.nobody }, ...employees.map((e) => ({ value: e.id, label: e.name }))]}
        />
        <Submit label={a.submit} secondary />
      </form>
    </section>
  );
}

// ---------------------------------------------------------------- starting a conversation

export function NewMemberPage(p: {
  v: ViewBase;
  target: { id: string; name: string };
  refusal: Refusal | null;
  src: string | null;
  value?: string | undefined;
  error?: string | undefined;
}) {
  const { v, target } = p;
  const { m, csrfToken } = v;
  const t = m.messages.new;
  const profile = `/members/${encodeURIComponent(target.id)}`;
  return (
    <div class="narrow">
      <p class="small">
        <a href={profile}>← {t.backToProfile}</a>
      </p>
      <h1>{fmt(t.title, { name: target.name })}</h1>
      {p.refusal ? (
        <RefusalNotice m={m} refusal={p.refusal} name={target.name} />
      ) : (
        <>
          <p>{fmt(t.intro, { name: target.name })}</p>
          <ErrorSummary m={m} errors={{ body: p.error }} />
          <form method="post" action={`/messages/new?to=${encodeURIComponent(target.id)}`} novalidate>
            <CsrfField token={csrfToken} />
            <SourceField src={p.src} />
            <TextArea m={m} name="body" label={m.messages.thread.body} hint={fmt(m.messages.thread.bodyHint, { max: MAX_BODY })} value={p.value} error={p.error} maxlength={MAX_BODY} rows={6} required />
            <Submit label={t.send} />
          </form>
          <p class="small muted">{m.messages.thread.mailNote}</p>
        </>
      )}
    </div>
  );
}

/**
 * A conversation with the company: a member writing to it (`to` null), or the secretariat
 * writing as the company to a member (`to` given).
 */
export function CompanyFormPage(p: {
  v: ViewBase;
  to: { id: string; name: string } | null;
  refusal: Refusal | null;
  src: string | null;
  values: Record<string, string>;
  errors: FieldErrors;
}) {
  const { v, to } = p;
  const { m, csrfToken } = v;
  const t = m.messages.companyForm;
  const action = to ? `/admin/messages/new?to=${encodeURIComponent(to.id)}` : '/messages/company';
  return (
    <div class="narrow">
      <p class="small">
        <a href={to ? `/members/${encodeURIComponent(to.id)}` : '/messages'}>← {to ? m.messages.new.backToProfile : m.messages.thread.back}</a>
      </p>
      <h1>{to ? fmt(t.staffTitle, { name: to.name }) : t.title}</h1>
      {p.refusal ? (
        <RefusalNotice m={m} refusal={p.refusal} name={to?.name ?? ''} />
      ) : (
        <>
          <p>{to ? fmt(t.staffIntro, { name: to.name }) : t.intro}</p>
          {to ? null : (
            <p class="hint">
              {t.requestsHint} <a href="/requests/new">{t.requestsLink}</a>
            </p>
          )}
          <ErrorSummary m={m} errors={p.errors} />
          <form method="post" action={action} novalidate>
            <CsrfField token={csrfToken} />
            <SourceField src={p.src} />
            <Input m={m} name="subject" label={t.subject} hint={fmt(t.subjectHint, { max: MAX_SUBJECT })} value={p.values.subject} error={p.errors.subject} maxlength={MAX_SUBJECT} required />
            <TextArea
              m={m}
              name="body"
              label={m.messages.thread.body}
              hint={fmt(m.messages.thread.bodyHint, { max: MAX_BODY })}
              value={p.values.body}
              error={p.errors.body}
              maxlength={MAX_BODY}
              rows={8}
              required
            />
            <Submit label={t.send} />
          </form>
        </>
      )}
    </div>
  );
}

// ---------------------------------------------------------------- reporting

export function ReportPage(p: { v: ViewBase; conversationId: string; message: MessageRow; value?: string | undefined; error?: string | undefined }) {
  const { v, message } = p;
  const { m, csrfToken, locale, timeZone } = v;
  const r = m.messages.report;
  return (
    <div class="narrow">
      <h1>{r.title}</h1>
      <p>{r.intro}</p>
      <ErrorSummary m={m} errors={{ reason: p.error }} />
      <section class="card" aria-labelledby="reported-message">
        <h2 id="reported-message">{r.message}</h2>
        <p class="small muted">
          <strong>{message.senderName ?? m.messages.formerMember}</strong> ·{' '}
          <time datetime={message.createdAt.toISOString()}>{formatDateTime(message.createdAt, locale, timeZone)}</time>
        </p>
        <MessageText text={message.body} />
      </section>
      <form method="post" action={`/messages/${p.conversationId}/messages/${message.id}/report`} novalidate>
        <CsrfField token={csrfToken} />
        <TextArea m={m} name="reason" label={r.reason} hint={fmt(r.reasonHint, { max: MAX_REASON })} value={p.value} error={p.error} maxlength={MAX_REASON} rows={4} required />
        <div class="actions">
          <Submit label={r.submit} />
          <a class="button button--secondary" href={`/messages/${p.conversationId}#message-${message.id}`}>
            {m.common.cancel}
          </a>
        </div>
      </form>
    </div>
  );
}
