import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { allow } from '../../shared/auth/access.ts';
import { AppError } from '../../shared/errors.ts';
import type { AppEnv } from '../../shared/http/context.ts';
import { readForm, validateForm } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { fmt } from '../../shared/i18n/index.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { requestLabels, requestSchema, withRequestErrors } from './verification.form.ts';
import {
  approve,
  askForMore,
  declineRequest,
  getReview,
  listQueue,
  ownRequest,
  QUEUE_FILTERS,
  QUEUE_LIMIT,
  updateOwnRequest,
  type QueueFilter,
} from './verification.service.ts';
import { OwnRequestPage, QueuePage, requestValues, ReviewPage } from './views/VerificationPages.tsx';

/** Who reviews sign-ups (the service checks `signup.review` again). */
const reviewers = ['operator', 'community_manager'] as const;

const messageSchema = z.object({ message: z.string().trim().min(1, 'required').max(2000, 'tooLong') });

function ctx(c: Context<AppEnv>) {
  const { db, config } = c.get('deps');
  return { db, actor: c.get('actor'), ip: c.get('clientIp'), baseUrl: config.baseUrl };
}

function dates(c: Context<AppEnv>) {
  return { locale: c.get('locale'), timeZone: c.get('settings')?.timeZone ?? 'Asia/Tokyo' };
}

async function renderReview(c: Context<AppEnv>, error?: string, status: 200 | 409 | 422 = 200) {
  const m = c.get('m');
  const review = await getReview(ctx(c), c.req.param('id') ?? '');
  return page(
    c,
    fmt(m.verification.detailTitle, { name: review.request.name }),
    <ReviewPage m={m} csrfToken={c.get('csrfToken')} {...dates(c)} review={review} error={error} />,
    status,
  );
}

/** Runs a decision; a decision that lost a race is shown on the page, not as an error page. */
async function decision(c: Context<AppEnv>, run: () => Promise<void>, flash: 'approved' | 'asked' | 'declined') {
  const m = c.get('m');
  try {
    await run();
  } catch (err) {
    if (err instanceof AppError && err.code === 'CONFLICT') {
      return renderReview(c, err.details.reason === 'entryTaken' ? m.verification.entryTaken : m.verification.decided, 409);
    }
    if (err instanceof AppError && err.code === 'VALIDATION') return renderReview(c, fmt(m.validation.choose, { field: m.verification.linkTo }), 422);
    throw err;
  }
  c.get('deps').wakeWorkers();
  setFlash(c, `verification.flash.${flash}`);
  return c.redirect('/admin/signups', 303);
}

async function message(c: Context<AppEnv>): Promise<{ ok: true; message: string } | { ok: false; error: string }> {
  const m = c.get('m');
  const form = await validateForm(c, messageSchema, { message: m.verification.message });
  if (form.ok) return { ok: true, message: form.data.message };
  const typed = (form.values.message ?? '').trim() !== '';
  return { ok: false, error: typed && form.errors.message ? form.errors.message : m.verification.messageRequired };
}

async function renderOwn(c: Context<AppEnv>, values?: Record<string, string>, errors: FieldErrors = {}, status: 200 | 422 = 200) {
  const m = c.get('m');
  const request = await ownRequest(c.get('deps').db, c.get('actor'));
  // Nothing to show (no request, or already a member): home says where things stand.
  if (!request || request.state === 'approved') return c.redirect('/', 303);
  return page(
    c,
    m.verification.ownTitle,
    <OwnRequestPage m={m} csrfToken={c.get('csrfToken')} request={request} values={values ?? requestValues(request)} errors={errors} />,
    status,
  );
}

export const verificationRoutes = new Hono<AppEnv>()
  // ------------------------------------------------ reviewers
  .get('/admin/signups', allow(reviewers), async (c) => {
    const m = c.get('m');
    const asked = c.req.query('state');
    const filter: QueueFilter = (QUEUE_FILTERS as readonly string[]).includes(asked ?? '') ? (asked as QueueFilter) : 'open';
    const { rows, total } = await listQueue(ctx(c), filter);
    return page(
      c,
      m.verification.queueTitle,
      <QueuePage m={m} csrfToken={c.get('csrfToken')} {...dates(c)} rows={rows} total={total} limit={QUEUE_LIMIT} filter={filter} filters={QUEUE_FILTERS} />,
    );
  })
  .get('/admin/signups/:id', allow(reviewers), (c) => renderReview(c))
  .post('/admin/signups/:id/approve', allow(reviewers), async (c) => {
    const m = c.get('m');
    const form = await readForm(c);
    const choice = (form.rosterEntryId ?? '').trim();
    if (!choice) return renderReview(c, fmt(m.validation.choose, { field: m.verification.linkTo }), 422);
    return decision(c, () => approve(ctx(c), c.req.param('id'), choice === 'none' ? null : choice), 'approved');
  })
  .post('/admin/signups/:id/ask', allow(reviewers), async (c) => {
    const form = await message(c);
    if (!form.ok) return renderReview(c, form.error, 422);
    return decision(c, () => askForMore(ctx(c), c.req.param('id'), form.message), 'asked');
  })
  .post('/admin/signups/:id/decline', allow(reviewers), async (c) => {
    const form = await message(c);
    if (!form.ok) return renderReview(c, form.error, 422);
    return decision(c, () => declineRequest(ctx(c), c.req.param('id'), form.message), 'declined');
  })
  // ------------------------------------------------ the person who signed up (pending, so 'member')
  .get('/membership/request', allow('member'), (c) => renderOwn(c))
  .post('/membership/request', allow('member'), async (c) => {
    const m = c.get('m');
    const labels = { name: m.verification.fields.name, ...requestLabels(m) };
    const form = await validateForm(c, requestSchema, labels);
    if (!form.ok) return renderOwn(c, form.values, withRequestErrors(m, form.values, form.errors, { consent: false }), 422);
    const result = await updateOwnRequest(ctx(c), form.data);
    if (result === 'updated') setFlash(c, 'verification.flash.updated');
    return c.redirect(result === 'updated' ? '/' : '/membership/request', 303);
  });
