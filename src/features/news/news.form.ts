/**
 * The post editor's form: reading and checking what was typed, and the publishing time, which
 * editors type in the network's time zone (a `datetime-local` value has no zone of its own).
 */
import { CONTENT_AUDIENCES, POST_CATEGORIES, WANTS, type ContentAudience, type PostCategory, type Want } from '../../db/schema.ts';
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { fromZonedInput, toZonedInput } from '../../shared/i18n/zoned.ts';
import type { PostRow } from './news.repository.ts';

// Time zone arithmetic is shared with events (src/shared/i18n/zoned.ts); re-exported for the news tests.
export { fromZonedInput, toZonedInput };

export const MAX_TITLE = 200;
export const MAX_BODY = 20_000;
export const MAX_COMMENT = 2_000;
export const MAX_REASON = 1_000;

export type Intent = 'preview' | 'draft' | 'publish';

export interface PostInput {
  titleJa: string | null;
  bodyJa: string | null;
  titleEn: string | null;
  bodyEn: string | null;
  category: PostCategory;
  audience: ContentAudience;
  segmentId: string | null;
  /** The interests the post serves (the personalised home ranks by them). */
  wants: Want[];
  pinned: boolean;
  commentsOpen: boolean;
  /** When to publish (null: at once). */
  publishAt: Date | null;
  removeCover: boolean;
}

// ---------------------------------------------------------------- the editor

/** The form's starting values for a post (or a new one). */
export function formValuesOf(post: PostRow | null, timeZone: string): Record<string, string> {
  if (!post) return { category: 'company', audience: 'everyone', commentsOpen: '1' };
  return {
    titleJa: post.titleJa ?? '',
    bodyJa: post.bodyJa ?? '',
    titleEn: post.titleEn ?? '',
    bodyEn: post.bodyEn ?? '',
    category: post.category,
    audience: post.audience,
    segmentId: post.segmentId ?? '',
    wants: post.wants.join(','),
    pinned: post.pinned ? '1' : '',
    commentsOpen: post.commentsOpen ? '1' : '',
    publishAt: post.state === 'scheduled' && post.publishAt ? toZonedInput(post.publishAt, timeZone) : '',
  };
}

export function intentOf(values: Record<string, string>): Intent {
  return values.intent === 'preview' || values.intent === 'publish' ? values.intent : 'draft';
}

const text = (v: string | undefined) => (v ?? '').replace(/\r\n?/g, '\n').trim();
const length = (s: string) => Array.from(s).length;

/**
 * Checks the editor's values. At least one language must be complete (title and body), and a
 * language that is begun must be finished. `segmentIds` are the segments that may be chosen;
 * `future` asks the publishing time, when given, to lie after `now`.
 */
export function parsePostForm(
  m: Messages,
  values: Record<string, string>,
  opts: { timeZone: string; segmentIds: string[]; future: boolean; now: Date },
): { ok: true; data: PostInput } | { ok: false; errors: FieldErrors } {
  const e = m.news.errors;
  const errors: FieldErrors = {};
  const version = (lang: 'Ja' | 'En') => {
    const title = text(values[`title${lang}`]);
    const body = text(values[`body${lang}`]);
    const language = lang === 'Ja' ? m.news.editor.japanese : m.news.editor.english;
    if (length(title) > MAX_TITLE) errors[`title${lang}`] = fmt(e.titleTooLong, { max: MAX_TITLE });
    if (length(body) > MAX_BODY) errors[`body${lang}`] = fmt(e.bodyTooLong, { max: MAX_BODY });
    if (title && !body) errors[`body${lang}`] = fmt(e.bodyMissing, { language });
    if (body && !title) errors[`title${lang}`] = fmt(e.titleMissing, { language });
    return { title: title || null, body: body || null };
  };
  const ja = version('Ja');
  const en = version('En');
  if (!ja.title && !ja.body && !en.title && !en.body) errors.titleJa = e.noLanguage;

  const category = (POST_CATEGORIES as readonly string[]).includes(values.category ?? '') ? (values.category as PostCategory) : null;
  if (!category) errors.category = e.category;
  const audience = (CONTENT_AUDIENCES as readonly string[]).includes(values.audience ?? '') ? (values.audience as ContentAudience) : null;
  if (!audience) errors.audience = e.audience;
  const segmentId = audience === 'segment' ? (values.segmentId ?? '') : '';
  if (audience === 'segment' && !opts.segmentIds.includes(segmentId)) errors.segmentId = e.segment;

  let publishAt: Date | null = null;
  const rawTime = text(values.publishAt);
  if (rawTime) {
    publishAt = fromZonedInput(rawTime, opts.timeZone);
    if (!publishAt) errors.publishAt = e.publishAt;
    else if (opts.future && publishAt <= opts.now) errors.publishAt = e.publishAtPast;
  }
  if (Object.keys(errors).length || !category || !audience) return { ok: false, errors };
  return {
    ok: true,
    data: {
      titleJa: ja.title,
      bodyJa: ja.body,
      titleEn: en.title,
      bodyEn: en.body,
      category,
      audience,
      segmentId: segmentId || null,
      wants: WANTS.filter((w) => (values.wants ?? '').split(',').includes(w)),
      pinned: values.pinned === '1',
      commentsOpen: values.commentsOpen === '1',
      publishAt,
      removeCover: values.removeCover === '1',
    },
  };
}

/** A comment or report reason: trimmed, required, limited. */
export function parseText(m: Messages, value: string | undefined, max: number, kind: 'comment' | 'reason'): { ok: true; text: string } | { ok: false; error: string } {
  const t = text(value);
  const e = m.news.errors;
  if (!t) return { ok: false, error: kind === 'comment' ? e.commentRequired : e.reasonRequired };
  if (length(t) > max) return { ok: false, error: fmt(kind === 'comment' ? e.commentTooLong : e.reasonTooLong, { max }) };
  return { ok: true, text: t };
}
