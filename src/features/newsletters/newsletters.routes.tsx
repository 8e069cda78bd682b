/**
 * Newsletter routes: operators' and community managers' pages under /admin/newsletters,
 * and the members' pages reached from a message's signed links (/u/<token>, /r/<token>),
 * which work without signing in.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { allow } from '../../shared/auth/access.ts';
import { can } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { setFlash, twoFactorGate } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { fmt, isLocale, type Locale } from '../../shared/i18n/index.ts';
import { localized } from '../../shared/network.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import * as service from './newsletters.service.ts';
import { senderInfo } from './sender.ts';
import { unsubscribeToken } from './tokens.ts';
import { PreferencesPage, UnsubscribedPage, UnsubscribePage } from './views/MemberPages.tsx';
import { ComposePage, DetailPage, ListPage, RecipientsPage, SenderPage } from './views/NewsletterPages.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STAFF = ['operator', 'community_manager'] as const;
const RECIPIENT_STATES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;

const deps = (c: Context<AppEnv>) => c.get('deps');
const actorOf = (c: Context<AppEnv>) => c.get('actor') as Actor;
const ctxOf = (c: Context<AppEnv>): service.Ctx => ({ db: deps(c).db, actor: actorOf(c), ip: c.get('clientIp') });
const timeZoneOf = (c: Context<AppEnv>) => c.get('settings')?.timeZone ?? 'Asia/Tokyo';

function base(c: Context<AppEnv>) {
  return { m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), timeZone: timeZoneOf(c) };
}

/** The :id parameter, or a 404 before the database is asked (random ids must never cause a 500). */
function idOf(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw new AppError('NOT_FOUND');
  return id;
}

/** A wall-clock time (`2026-12-01T09:00`) in a time zone, as an instant. */
export function zonedToUtc(local: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  if (Number.isNaN(guess)) return null;
  const offsetAt = (t: number) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(t));
    const value = parts.find((p) => p.type === 'timeZoneName')?.value.replace('GMT', '') || '+00:00';
    const sign = value.startsWith('-') ? -1 : 1;
    const [hh = '0', mm = '0'] = value.replace(/^[+-]/, '').split(':');
    return sign * (Number(hh) * 60 + Number(mm)) * 60_000;
  };
  const first = guess - offsetAt(guess);
  return new Date(guess - offsetAt(first));
}

// ---------------------------------------------------------------- compose form

interface ParsedForm {
  values: Record<string, string>;
  posts: string[];
  errors: FieldErrors;
  data: service.NewsletterInput;
}

/** Reads the compose form (posts is a list, so the body is read with all values). */
async function readCompose(c: Context<AppEnv>, allowedPosts: Set<string>): Promise<ParsedForm> {
  const m = c.get('m').newsletters.compose;
  const body = await c.req.parseBody({ all: true });
  const one = (k: string) => {
    const v = body[k];
    const s = Array.isArray(v) ? v[0] : v;
    // eslint-disable-next-line no-control-regex -- control characters are removed on purpose
    return typeof s === 'string' ? s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '') : '';
  };
  const raw = body.posts;
  const posts = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((x): x is string => typeof x === 'string');
  const values: Record<string, string> = {};
  for (const k of ['subject_ja', 'subject_en', 'intro_ja', 'intro_en', 'segment', 'rate']) values[k] = one(k);
  const errors: FieldErrors = {};
  const subject = (l: Locale) => values[`subject_${l}`]!.replace(/[\r\n]+/g, ' ').trim();
  const intro = (l: Locale) => values[`intro_${l}`]!.trim();
  if (!subject('ja') && !subject('en')) errors.subject_ja = m.subjectNeeded;
  for (const l of ['ja', 'en'] as const) {
    if (subject(l).length > 200) errors[`subject_${l}`] = fmt(c.get('m').validation.tooLong, { field: m.subject, max: 200 });
    if (intro(l).length > 20000) errors[`intro_${l}`] = fmt(c.get('m').validation.tooLong, { field: m.introduction, max: 20000 });
    if (subject(l) && !intro(l)) errors[`intro_${l}`] = m.introNeeded;
  }
  if (posts.some((p) => !UUID.test(p) || !allowedPosts.has(p)) || posts.length > 20) errors.posts = m.badPost;
  const segment = values.segment!.trim();
  if (segment && !UUID.test(segment)) errors.segment = m.badSegment;
  const rateText = values.rate!.normalize('NFKC').trim();
  const rate = rateText ? Number(rateText) : null;
  if (rate !== null && (!Number.isInteger(rate) || rate < 1 || rate > 10000)) errors.rate = m.badRate;
  return {
    values,
    posts,
    errors,
    data: {
      subjectJa: subject('ja') || null,
      subjectEn: subject('en') || null,
      introJa: intro('ja') || null,
      introEn: intro('en') || null,
      postIds: [...new Set(posts)],
      segmentId: segment || null,
      ratePerSecond: rate,
    },
  };
}

async function renderCompose(c: Context<AppEnv>, opts: { id?: string; values: Record<string, string>; posts: string[]; errors: FieldErrors; status: 200 | 422 }) {
  const m = c.get('m');
  const choices = await service.composeChoices(ctxOf(c));
  const title = opts.id ? m.newsletters.compose.editTitle : m.newsletters.compose.newTitle;
  return page(
    c,
    title,
    <ComposePage
      {...base(c)}
      title={title}
      action={opts.id ? `/admin/newsletters/${opts.id}` : '/admin/newsletters'}
      values={opts.values}
      errors={opts.errors}
      posts={choices.posts}
      segments={choices.segments}
      defaultRate={deps(c).config.newsletterRatePerSecond}
      chosenPosts={opts.posts}
    />,
    opts.status,
  );
}

async function allowedPostIds(c: Context<AppEnv>): Promise<Set<string>> {
  return new Set((await service.composeChoices(ctxOf(c))).posts.map((p) => p.id));
}

// ---------------------------------------------------------------- detail page

async function renderDetail(c: Context<AppEnv>, id: string, errors: FieldErrors = {}, status: 200 | 422 = 200, scheduleValue = '') {
  const ctx = ctxOf(c);
  const n = await service.get(ctx, id);
  const choices = await service.composeChoices(ctx);
  const segmentName = n.segmentId ? (choices.segments.find((s) => s.id === n.segmentId)?.name ?? '—') : null;
  const examples = await service.exampleRecipients(ctx, n);
  const as = c.req.query('as') ?? '';
  const example = examples.find((e) => e.id === as);
  // Not `lang`: that is the app-wide language switch, which would change the operator's own language.
  const lang = c.req.query('previewLang');
  const previewLocale: Locale = isLocale(lang) ? lang : (example?.locale ?? c.get('locale'));
  const preview = await service.preview(ctx, n, { locale: previewLocale, name: example?.name ?? c.get('m').newsletters.detail.sampleName, baseUrl: deps(c).config.baseUrl });
  return page(
    c,
    c.get('m').newsletters.title,
    <DetailPage
      {...base(c)}
      n={n}
      segmentName={segmentName}
      audience={n.state === 'draft' || n.state === 'scheduled' ? await service.audienceCount(ctx, n) : 0}
      senderReady={(await senderInfo(ctx.db)) !== null}
      canSend={can(ctx.actor, 'newsletters.send')}
      progress={await service.progress(ctx, id)}
      examples={examples}
      preview={preview}
      previewAs={example?.id ?? ''}
      previewLocale={previewLocale}
      scheduleValue={scheduleValue}
      errors={errors}
      nonce={c.get('secureHeadersNonce')}
    />,
    status,
  );
}

const back = (c: Context<AppEnv>, id: string) => c.redirect(`/admin/newsletters/${id}`, 303);

// ---------------------------------------------------------------- routes

export const newsletterRoutes = new Hono<AppEnv>();

newsletterRoutes.get('/admin/newsletters', allow(STAFF), async (c) => {
  const ctx = ctxOf(c);
  const list = await service.list(ctx);
  const { segments } = await service.composeChoices(ctx);
  return page(c, c.get('m').newsletters.title, <ListPage {...base(c)} list={list} segmentNames={new Map(segments.map((s) => [s.id, s.name]))} />);
});

newsletterRoutes.get('/admin/newsletters/new', allow(STAFF), async (c) => renderCompose(c, { values: {}, posts: [], errors: {}, status: 200 }));

newsletterRoutes.post('/admin/newsletters', allow(STAFF), async (c) => {
  const form = await readCompose(c, await allowedPostIds(c));
  if (Object.keys(form.errors).length) return renderCompose(c, { ...form, status: 422 });
  const id = await service.create(ctxOf(c), form.data);
  if (id === 'badSegment') return renderCompose(c, { ...form, errors: { segment: c.get('m').newsletters.compose.badSegment }, status: 422 });
  setFlash(c, 'newsletters.compose.saved');
  return back(c, id);
});

newsletterRoutes.get('/admin/newsletters/sender', allow(STAFF), async (c) => {
  const s = await service.sender(ctxOf(c));
  const values = { senderName: s.senderName ?? '', senderPostalAddress: s.senderPostalAddress ?? '', senderContact: s.senderContact ?? '' };
  return page(c, c.get('m').newsletters.sender.title, <SenderPage {...base(c)} values={values} errors={{}} />);
});

newsletterRoutes.post('/admin/newsletters/sender', allow(['operator']), async (c) => {
  const m = c.get('m');
  const body = await c.req.parseBody();
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const values = { senderName: str('senderName'), senderPostalAddress: str('senderPostalAddress'), senderContact: str('senderContact') };
  const labels = { senderName: m.newsletters.sender.name, senderPostalAddress: m.newsletters.sender.postalAddress, senderContact: m.newsletters.sender.contact };
  const limits = { senderName: 200, senderPostalAddress: 500, senderContact: 300 };
  const errors: FieldErrors = {};
  for (const k of Object.keys(values) as (keyof typeof values)[]) {
    if (!values[k]) errors[k] = fmt(m.validation.required, { field: labels[k] });
    else if (values[k].length > limits[k]) errors[k] = fmt(m.validation.tooLong, { field: labels[k], max: limits[k] });
    // The name and contact are one line each in the footer.
    if (k !== 'senderPostalAddress') values[k] = values[k].replace(/[\r\n]+/g, ' ');
  }
  if (Object.keys(errors).length) return page(c, m.newsletters.sender.title, <SenderPage {...base(c)} values={values} errors={errors} />, 422);
  await service.saveSender(ctxOf(c), values);
  setFlash(c, 'newsletters.sender.saved');
  return c.redirect('/admin/newsletters', 303);
});

newsletterRoutes.get('/admin/newsletters/:id', allow(STAFF), async (c) => renderDetail(c, idOf(c)));

newsletterRoutes.get('/admin/newsletters/:id/edit', allow(STAFF), async (c) => {
  const id = idOf(c);
  const n = await service.get(ctxOf(c), id);
  if (n.state !== 'draft') return back(c, id);
  const values = {
    subject_ja: n.subjectJa ?? '',
    subject_en: n.subjectEn ?? '',
    intro_ja: n.introJa ?? '',
    intro_en: n.introEn ?? '',
    segment: n.segmentId ?? '',
    rate: n.ratePerSecond ? String(n.ratePerSecond) : '',
  };
  return renderCompose(c, { id, values, posts: n.postIds, errors: {}, status: 200 });
});

newsletterRoutes.post('/admin/newsletters/:id', allow(STAFF), async (c) => {
  const id = idOf(c);
  await service.get(ctxOf(c), id);
  const form = await readCompose(c, await allowedPostIds(c));
  if (Object.keys(form.errors).length) return renderCompose(c, { id, ...form, status: 422 });
  const result = await service.update(ctxOf(c), id, form.data);
  const m = c.get('m').newsletters.compose;
  if (result === 'badSegment') return renderCompose(c, { id, ...form, errors: { segment: m.badSegment }, status: 422 });
  if (result === 'notDraft') return renderCompose(c, { id, ...form, errors: { subject_ja: m.notDraft }, status: 422 });
  setFlash(c, 'newsletters.compose.saved');
  return back(c, id);
});

newsletterRoutes.post('/admin/newsletters/:id/test', allow(STAFF), async (c) => {
  const id = idOf(c);
  const n = await service.get(ctxOf(c), id);
  if (!(await senderInfo(deps(c).db))) return renderDetail(c, id, { send: c.get('m').newsletters.detail.noSender }, 422);
  await service.sendTest(ctxOf(c), id, c.get('actor')?.locale ?? (n.subjectJa ? 'ja' : 'en'));
  deps(c).wakeWorkers();
  setFlash(c, 'newsletters.detail.testQueued');
  return back(c, id);
});

newsletterRoutes.post('/admin/newsletters/:id/send', allow(['operator']), async (c) => {
  const id = idOf(c);
  const v = c.get('m').newsletters.detail;
  const result = await service.sendNow(ctxOf(c), id);
  if (result.status !== 'started') {
    const message = result.status === 'noSender' ? v.noSender : result.status === 'noContent' ? v.noContent : v.notStartable;
    return renderDetail(c, id, { send: message }, 422);
  }
  deps(c).wakeWorkers();
  setFlash(c, 'newsletters.detail.started', { count: String(result.recipients) });
  return back(c, id);
});

newsletterRoutes.post('/admin/newsletters/:id/schedule', allow(['operator']), async (c) => {
  const id = idOf(c);
  const v = c.get('m').newsletters.detail;
  const body = await c.req.parseBody();
  const local = typeof body.at === 'string' ? body.at.trim() : '';
  const at = zonedToUtc(local, timeZoneOf(c));
  if (!at) return renderDetail(c, id, { at: v.badTime }, 422, local.slice(0, 16));
  const result = await service.schedule(ctxOf(c), id, at);
  if (result === 'past') return renderDetail(c, id, { at: v.badTime }, 422, local);
  if (result === 'noSender') return renderDetail(c, id, { send: v.noSender }, 422, local);
  if (result === 'notDraft') return renderDetail(c, id, { send: v.notStartable }, 422, local);
  setFlash(c, 'newsletters.detail.scheduled');
  return back(c, id);
});

for (const [path, run, flash] of [
  ['unschedule', service.unschedule, 'newsletters.compose.saved'],
  ['pause', service.pause, 'newsletters.detail.paused'],
  ['resume', service.resume, 'newsletters.detail.resumed2'],
  ['cancel', service.cancel, 'newsletters.detail.cancelled'],
] as const) {
  newsletterRoutes.post(`/admin/newsletters/:id/${path}`, allow(['operator']), async (c) => {
    const id = idOf(c);
    if (!(await run(ctxOf(c), id))) return renderDetail(c, id, { send: c.get('m').newsletters.detail.notStartable }, 422);
    if (path === 'resume') deps(c).wakeWorkers();
    setFlash(c, flash);
    return back(c, id);
  });
}

newsletterRoutes.get('/admin/newsletters/:id/recipients', allow(STAFF), async (c) => {
  const id = idOf(c);
  const n = await service.get(ctxOf(c), id);
  const pageNo = Math.min(Math.max(Number.parseInt(c.req.query('page') ?? '0', 10) || 0, 0), 100_000);
  const stateQuery = c.req.query('state') ?? '';
  const state = (RECIPIENT_STATES as readonly string[]).includes(stateQuery) ? (stateQuery as service.RecipientRow['state']) : undefined;
  const rows = await service.recipients(ctxOf(c), id, pageNo, state);
  return page(
    c,
    c.get('m').newsletters.detail.recipients,
    <RecipientsPage {...base(c)} n={n} rows={rows} page={pageNo} state={state ?? ''} hasMore={rows.length === service.RECIPIENTS_PAGE} />,
  );
});

// ---------------------------------------------------------------- members, by signed link

async function tokenMember(c: Context<AppEnv>) {
  const token = c.req.param('token') ?? '';
  const member = await service.memberOfToken(deps(c).db, deps(c).config.secret, token);
  if (!member) throw new AppError('NOT_FOUND');
  return { token, member };
}

const networkOf = (c: Context<AppEnv>) => {
  const s = c.get('settings');
  return s ? localized(s, c.get('locale'), 'name') : 'Kizuna';
};

/** A signed-in member's own way to the topic preferences (the same page the e-mails link to). */
newsletterRoutes.get('/account/mail', allow('member'), (c) => c.redirect(`/u/${unsubscribeToken(deps(c).config.secret, actorOf(c).id)}/preferences`, 303));

newsletterRoutes.get('/u/:token', allow('public'), async (c) => {
  const { token, member } = await tokenMember(c);
  const prefs = await service.preferences(deps(c).db, member.id);
  const m = c.get('m');
  return page(
    c,
    m.newsletters.unsubscribe.title,
    <UnsubscribePage m={m} csrfToken={c.get('csrfToken')} token={token} email={member.email} network={networkOf(c)} subscribed={prefs.newsletter} />,
  );
});

newsletterRoutes.get('/u/:token/done', allow('public'), async (c) => {
  const { token } = await tokenMember(c);
  return page(c, c.get('m').newsletters.unsubscribe.doneTitle, <UnsubscribedPage m={c.get('m')} token={token} />);
});

newsletterRoutes.get('/u/:token/preferences', allow('public'), async (c) => {
  const { token, member } = await tokenMember(c);
  const m = c.get('m');
  const prefs = await service.preferences(deps(c).db, member.id);
  return page(
    c,
    m.newsletters.preferences.title,
    <PreferencesPage
      m={m}
      csrfToken={c.get('csrfToken')}
      token={token}
      email={member.email}
      network={networkOf(c)}
      prefs={prefs}
      topics={service.TOPICS}
      noticeVersion={service.NEWSLETTER_NOTICE_VERSION}
      saved={c.req.query('saved') === '1'}
    />,
  );
});

newsletterRoutes.post('/u/:token/preferences', allow('public'), async (c) => {
  const { token, member } = await tokenMember(c);
  const body = await c.req.parseBody();
  const prefs = Object.fromEntries(service.TOPICS.map((t) => [t, body[t] === '1'])) as Record<service.Topic, boolean>;
  await service.savePreferences(deps(c).db, member.id, prefs, { ip: c.get('clientIp') ?? null, source: 'preferences' });
  return c.redirect(`/u/${token}/preferences?saved=1`, 303);
});

newsletterRoutes.get('/r/:token', allow('public'), async (c) => {
  const url = await service.click(deps(c).db, deps(c).config.secret, c.req.param('token'), deps(c).config.baseUrl);
  if (!url) throw new AppError('NOT_FOUND');
  return c.redirect(url, 302);
});

/**
 * RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the
 * List-Unsubscribe URL from their servers, without a session or a CSRF token, so this
 * route is registered before the CSRF middleware; the signed token is what authorises it.
 * The confirmation page's button posts here too (then the answer is a redirect).
 */
export const unsubscribeRoutes = new Hono<AppEnv>();

// Registered ahead of the app-wide two-factor gate too, so it applies it itself (like every other route).
unsubscribeRoutes.post('/u/:token', allow('public'), twoFactorGate(), async (c) => {
  const { token, member } = await tokenMember(c);
  await service.unsubscribe(deps(c).db, member.id);
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  if (body['List-Unsubscribe'] === 'One-Click') return c.text('unsubscribed', 200);
  return c.redirect(`/u/${token}/done`, 303);
});
