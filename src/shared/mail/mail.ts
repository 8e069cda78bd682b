/**
 * The application-facing mail API.
 *
 * `queueMail` writes a ledger row (`mail_messages`, unique `key`) and a `mail.send` job in
 * the caller's transaction: the message exists exactly when the change that caused it
 * commits, and queueing the same key again is a no-op. The worker's handler sends the
 * row once and records the outcome; a resend after a crash finds the row already sent.
 *
 * The message is rendered when it is queued (the ledger has no column for the template
 * variables) and stored in `subject`/`text_body`; the HTML part is derived from the text
 * when sending. Once a message is sent or has failed, the stored text keeps links only
 * up to their path, so the operator outbox page never shows a live sign-in or reset link.
 */
import fs from 'node:fs';
import path from 'node:path';
import { and, desc, eq, ne, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { mailMessages, rosterEntries, type MailAttachment } from '../../db/schema.ts';
import { fmt, messages, type Locale, type Messages } from '../i18n/index.ts';
import { enqueue, PermanentJobError, type DbOrTx, type JobHandler } from '../jobs/queue.ts';
import { isPermanentSmtpError, MailValidationError, parseSingleAddress, type MailTransport } from './mailer.ts';

type MailCatalogue = Messages['mail'];

/** Names of the mail templates: the entries of the `mail` catalogue with a subject and a body. */
export type MailTemplate = {
  [K in keyof MailCatalogue]: MailCatalogue[K] extends { subject: string; body: string } ? K : never;
}[keyof MailCatalogue];

export const MAIL_TEMPLATES: readonly MailTemplate[] = Object.entries(messages('en').mail)
  .filter(([, value]) => typeof value === 'object' && value !== null && 'subject' in value && 'body' in value)
  .map(([key]) => key as MailTemplate);

export function isMailTemplate(value: unknown): value is MailTemplate {
  return typeof value === 'string' && (MAIL_TEMPLATES as readonly string[]).includes(value);
}

/** The job queue that sends mail. */
export const MAIL_QUEUE = 'mail.send';
/**
 * With the queue's backoff (20 s, 40 s, … capped at 1 h) ten attempts span about two and a
 * half hours: a relay outage of that length loses no message.
 */
export const MAIL_MAX_ATTEMPTS = 10;

export type MailState = 'queued' | 'sent' | 'failed';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const SIGNATURE_SEPARATOR = '\n\n-- \n';
const LINE_BREAKS = /[\r\n\u2028\u2029]+/g;
// ASCII URL characters only: Japanese text often follows a link without a space.
const URL_PATTERN = /https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)'\]]+$/;

function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/**
 * Renders a template in one language. `vars.network` must hold the network's name in
 * that language. Line breaks in variables are turned into spaces in the subject (a
 * member's name must never be able to start a new header) and normalised in the body.
 *
 * @throws Error when a placeholder of the template has no variable (a programming error).
 */
export function renderMail(template: MailTemplate, locale: Locale, vars: Record<string, string>): RenderedMail {
  const catalogue = messages(locale).mail;
  const entry = catalogue[template];
  if (!entry) throw new Error(`unknown mail template ${template}`);
  const missing = [...new Set([...placeholders(entry.subject), ...placeholders(entry.body), ...placeholders(catalogue.footer)])].filter(
    (name) => typeof vars[name] !== 'string',
  );
  if (missing.length > 0) throw new Error(`mail template ${template} needs ${missing.map((m) => `{${m}}`).join(', ')}`);

  const subjectVars = Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, String(v).replace(LINE_BREAKS, ' ').replace(/\0/g, '')]),
  );
  const bodyVars = Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, String(v).replace(/\r\n?/g, '\n').replace(/\0/g, '')]),
  );
  const subject = fmt(entry.subject, subjectVars).trim();
  const text = fmt(entry.body, bodyVars) + SIGNATURE_SEPARATOR + fmt(catalogue.footer, bodyVars);
  return { subject, text, html: renderHtml(text, locale, subject) };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escapes a line and turns its http(s) URLs into links. */
function linkify(line: string): string {
  let out = '';
  let last = 0;
  for (const match of line.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    const start = match.index;
    out += escapeHtml(line.slice(last, start));
    out += `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    last = start + url.length;
  }
  return out + escapeHtml(line.slice(last));
}

function paragraphs(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${p.split('\n').map(linkify).join('<br>\n')}</p>`)
    .join('\n');
}

/**
 * The HTML part: the text's paragraphs, escaped, with clickable links, in a document
 * whose `lang` lets mail clients pick Japanese fonts and screen readers the right voice.
 */
export function renderHtml(text: string, locale: Locale, subject: string, inline: readonly MailAttachment[] = []): string {
  const cut = text.lastIndexOf(SIGNATURE_SEPARATOR);
  const main = cut >= 0 ? text.slice(0, cut) : text;
  const footer = cut >= 0 ? text.slice(cut + SIGNATURE_SEPARATOR.length) : '';
  return [
    '<!doctype html>',
    `<html lang="${locale}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.6; color: #1a1a1a;">',
    paragraphs(main),
    ...inline
      .filter((a) => a.cid && a.contentType.startsWith('image/'))
      .map((a) => `<p><img src="cid:${escapeHtml(a.cid!)}" alt="${escapeHtml(a.alt ?? '')}" width="200" height="200"></p>`),
    footer ? `<hr>\n<footer style="color: #555; font-size: 0.875em;">${paragraphs(footer)}</footer>` : '',
    '</body>',
    '</html>',
  ]
    .filter(Boolean)
    .join('\n');
}

function redactUrl(raw: string): string {
  const url = raw.replace(TRAILING_PUNCTUATION, '');
  const rest = raw.slice(url.length);
  try {
    const u = new URL(url);
    // Tokens live in the query or in long opaque path segments; the rest says where the link went.
    const pathname = u.pathname
      .split('/')
      .map((segment) => (/^[A-Za-z0-9_.~%-]{16,}$/.test(segment) ? '…' : segment))
      .join('/');
    return `${u.origin}${pathname}${u.search || u.hash ? '?…' : ''}${rest}`;
  } catch {
    return `[link]${rest}`;
  }
}

/** Removes the secret parts (query, fragment, token-like path segments) of every link in a text. */
export function redactLinks(text: string): string {
  return text.replace(URL_PATTERN, redactUrl);
}

/**
 * Messages a person asked for themselves (sign-in links, resets, confirmations); everything
 * else is network mail, which a do-not-contact person never receives.
 */
export const TRANSACTIONAL_TEMPLATES: ReadonlySet<string> = new Set([
  'magicLink',
  'magicLinkTwoFactor',
  'verifyEmail',
  'signUpExisting',
  'resetPassword',
  'staffInvitation',
  'test',
  // Answers to the person's own membership request.
  'signupApproved',
  'signupMoreInfo',
  'signupDeclined',
  // About the person's own request or feedback, a request assigned to them, or new requests and
  // feedback for the secretariat to handle (requests).
  'requestNew',
  'feedbackNew',
  'requestAssigned',
  'requestReplied',
  'requestRequesterReplied',
  'requestStateChanged',
  'feedbackReplied',
  'feedbackStateChanged',
  'feedbackUseful',
  // About an event registration the person made themselves.
  'eventConfirmed',
  'eventWaitlisted',
  'eventPromoted',
  'eventReminder',
  'eventChanged',
  'eventChangedWaitlisted',
  'eventCancelled',
  // About a referral or a reward of the person's own (referrals, rewards).
  'referralStatus',
  'rewardStatus',
  // The company's answer in a conversation the member wrote in (messages).
  'messageCompanyReply',
  // About an application the person made themselves, or one for them to handle (opportunities).
  'applicationReceived',
  'applicationUpdated',
  'applicationNew',
  'applicationAssigned',
]);

/**
 * True when the roster says this person must not get this message: deceased → no mail
 * ever; do-not-contact → no network mail. Matched by linked account or personal address.
 */
export async function isSuppressed(db: DbOrTx, address: string, userId: string | undefined, template: string): Promise<boolean> {
  const rows = await db
    .select({ status: rosterEntries.contactStatus })
    .from(rosterEntries)
    .where(
      and(
        ne(rosterEntries.contactStatus, 'ok'),
        userId
          ? or(eq(rosterEntries.userId, userId), sql`lower(${rosterEntries.personalEmail}) = lower(${address})`)
          : sql`lower(${rosterEntries.personalEmail}) = lower(${address})`,
      ),
    )
    .limit(5);
  if (rows.some((r) => r.status === 'deceased')) return true;
  return rows.some((r) => r.status === 'do_not_contact') && !TRANSACTIONAL_TEMPLATES.has(template);
}

export interface QueueMailInput {
  /**
   * Ledger key, unique per message and recipient (e.g. `verify:<userId>:<token id>`):
   * queueing the same key again does nothing.
   */
  key: string;
  /** One e-mail address (a display name, if given, is dropped). */
  to: string;
  userId?: string | undefined;
  locale: Locale;
  template: MailTemplate;
  /** Template variables; `network` is the network's name in `locale`. */
  vars: Record<string, string>;
  /** Files sent with the message (stored in the ledger with it). An image with a `cid` is shown in the HTML part. */
  attachments?: MailAttachment[];
}

/**
 * Records a message in the ledger and queues its `mail.send` job, both through the given
 * db or transaction. Call `workers.wake()` after the transaction commits for prompt delivery.
 *
 * @returns the ledger id, or null when a message with this key already existed or the
 *   recipient may not be mailed (see `isSuppressed`).
 * @throws MailValidationError when `to` is not exactly one valid address.
 */
export async function queueMail(db: DbOrTx, input: QueueMailInput): Promise<string | null> {
  if (!input.key || input.key.length > 500) throw new Error('queueMail: key must be 1–500 characters');
  const to = parseSingleAddress(input.to.trim(), 'to');
  if (await isSuppressed(db, to.address, input.userId, input.template)) return null;
  const rendered = renderMail(input.template, input.locale, input.vars);
  const [row] = await db
    .insert(mailMessages)
    .values({
      key: input.key,
      toAddress: to.address,
      userId: input.userId ?? null,
      template: input.template,
      locale: input.locale,
      subject: rendered.subject,
      textBody: rendered.text,
      attachments: input.attachments?.length ? input.attachments : null,
      state: 'queued',
    })
    .onConflictDoNothing({ target: mailMessages.key })
    .returning({ id: mailMessages.id });
  if (!row) return null;
  await enqueue(db, MAIL_QUEUE, { messageId: row.id }, { maxAttempts: MAIL_MAX_ATTEMPTS });
  return row.id;
}

function describeError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

export interface MailHandlerDeps {
  transport: MailTransport;
  config: Pick<Config, 'mailFrom'>;
  /** Defaults to the job's logger. */
  logger?: Logger;
}

/**
 * The job handlers that send queued mail: `{ 'mail.send': handler }`.
 *
 * Outcomes: sent → row 'sent'; refused for good (SMTP 5xx, or a message that breaks the
 * one-recipient rules) → row 'failed' and the job ends without a retry; anything else
 * (network, 4xx) → the error is noted on the row and rethrown so the queue retries with
 * backoff, and the row is marked failed on the last attempt. Logs name the ledger id,
 * never the address.
 *
 * @throws MailValidationError at once when `config.mailFrom` is not exactly one address.
 */
export function mailJobHandlers(deps: MailHandlerDeps): Record<string, JobHandler> {
  // A bad MAIL_FROM would make every message fail as "refused": refuse to start instead.
  parseSingleAddress(deps.config.mailFrom, 'MAIL_FROM');
  const send: JobHandler = async (payload, ctx) => {
    const log = deps.logger ? deps.logger.child({ jobId: ctx.jobId, attempt: ctx.attempt }) : ctx.log;
    const id = (payload as { messageId?: unknown } | null)?.messageId;
    if (typeof id !== 'string') throw new PermanentJobError('mail.send: payload has no messageId');
    const db = ctx.db;
    const [row] = await db.select().from(mailMessages).where(eq(mailMessages.id, id));
    if (!row) {
      log.warn({ mailId: id }, 'mail message not found; nothing to send');
      return;
    }
    if (row.state !== 'queued') {
      // A retried or duplicated job after the message went out: the ledger makes it a no-op.
      log.info({ mailId: id, state: row.state }, 'mail already handled; skipping');
      return;
    }
    const markFailed = (error: string) =>
      db
        .update(mailMessages)
        .set({ state: 'failed', error, textBody: row.textBody === null ? null : redactLinks(row.textBody) })
        .where(and(eq(mailMessages.id, id), eq(mailMessages.state, 'queued')));

    if (row.subject === null || row.textBody === null) {
      await markFailed('the message has no rendered content');
      return;
    }
    const locale: Locale = row.locale === 'en' ? 'en' : 'ja';
    try {
      const sent = await deps.transport.send({
        from: deps.config.mailFrom,
        to: row.toAddress,
        subject: row.subject,
        text: row.textBody,
        html: renderHtml(row.textBody, locale, row.subject, row.attachments ?? []),
        ...(row.attachments?.length ? { attachments: row.attachments } : {}),
        headers: {
          // RFC 3834: tells auto-responders (vacation replies) not to answer.
          'Auto-Submitted': 'auto-generated',
          'Content-Language': locale,
        },
      });
      await db
        .update(mailMessages)
        .set({
          state: 'sent',
          sentAt: sql`now()`,
          messageId: sent.messageId,
          transport: sent.transport,
          emlPath: sent.emlPath,
          subject: row.subject,
          textBody: redactLinks(row.textBody),
          error: null,
        })
        .where(eq(mailMessages.id, id));
      log.info({ mailId: id, template: row.template, transport: sent.transport }, 'mail sent');
    } catch (err) {
      const error = describeError(err);
      if (err instanceof MailValidationError || isPermanentSmtpError(err)) {
        await markFailed(error);
        log.warn({ mailId: id, template: row.template, error }, 'mail refused; not retrying');
        return;
      }
      if (ctx.attempt >= ctx.maxAttempts) {
        await markFailed(error);
      } else {
        await db.update(mailMessages).set({ error }).where(and(eq(mailMessages.id, id), eq(mailMessages.state, 'queued')));
      }
      throw err;
    }
  };
  return { [MAIL_QUEUE]: send };
}

/** One ledger row for the operator pages, without the message text. */
export interface MailSummary {
  id: string;
  key: string;
  toAddress: string;
  userId: string | null;
  template: string;
  locale: 'ja' | 'en';
  subject: string | null;
  state: MailState;
  transport: string | null;
  error: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export type MailRecord = typeof mailMessages.$inferSelect;

/** Messages newest first, for the operator outbox page (read-only). */
export async function listMail(
  db: DbOrTx,
  opts: { limit?: number; offset?: number; state?: MailState } = {},
): Promise<MailSummary[]> {
  return db
    .select({
      id: mailMessages.id,
      key: mailMessages.key,
      toAddress: mailMessages.toAddress,
      userId: mailMessages.userId,
      template: mailMessages.template,
      locale: mailMessages.locale,
      subject: mailMessages.subject,
      state: mailMessages.state,
      transport: mailMessages.transport,
      error: mailMessages.error,
      createdAt: mailMessages.createdAt,
      sentAt: mailMessages.sentAt,
    })
    .from(mailMessages)
    .where(opts.state ? eq(mailMessages.state, opts.state) : undefined)
    .orderBy(desc(mailMessages.createdAt), desc(mailMessages.id))
    .limit(Math.min(Math.max(opts.limit ?? 50, 1), 500))
    .offset(Math.max(opts.offset ?? 0, 0));
}

/** Number of ledger rows in each state. */
export async function mailCounts(db: DbOrTx): Promise<Record<MailState, number>> {
  const rows = await db
    .select({ state: mailMessages.state, count: sql<number>`count(*)::int`.mapWith(Number) })
    .from(mailMessages)
    .groupBy(mailMessages.state);
  const counts: Record<MailState, number> = { queued: 0, sent: 0, failed: 0 };
  for (const row of rows) if (row.state in counts) counts[row.state] = row.count;
  return counts;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One message for the operator outbox page, its text with links redacted (also while
 * still queued), or null when there is no such message.
 */
export async function getMail(db: DbOrTx, id: string): Promise<MailRecord | null> {
  if (!UUID.test(id)) return null; // PostgreSQL would raise on a malformed uuid
  const [row] = await db.select().from(mailMessages).where(eq(mailMessages.id, id));
  if (!row) return null;
  return { ...row, textBody: row.textBody === null ? null : redactLinks(row.textBody) };
}

/**
 * The raw `.eml` of a message written by the outbox transport, or null. Only files in
 * `<dataDir>/outbox` are read, whatever path the row holds. It holds the live links:
 * when there is no SMTP relay, the outbox is how mail is delivered (development, demos).
 */
export async function readOutboxEml(config: Pick<Config, 'dataDir'>, mail: Pick<MailRecord, 'emlPath'>): Promise<string | null> {
  if (!mail.emlPath) return null;
  const outbox = path.resolve(config.dataDir, 'outbox');
  const file = path.resolve(mail.emlPath);
  if (path.dirname(file) !== outbox || !file.endsWith('.eml')) return null;
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch {
    return null;
  }
}
