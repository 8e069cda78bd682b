/** One error mapper: AppError codes → status and a page (or JSON) in the user's language. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, type ErrorCode } from '../errors.ts';
import { DEFAULT_LOCALE, fmt, messages } from '../i18n/index.ts';
import type { AppEnv } from './context.ts';
import { page } from './render.tsx';

function wantsJson(c: Context<AppEnv>): boolean {
  const accept = c.req.header('accept') ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return new AppError('PAYLOAD_TOO_LARGE');
    if (err.status === 400) return new AppError('BAD_REQUEST');
  }
  // Malformed bodies (bad multipart, broken URL encoding) are the client's fault.
  if (err instanceof TypeError && /body|form|multipart|decode/i.test(err.message)) return new AppError('BAD_REQUEST');
  if (err instanceof URIError) return new AppError('BAD_REQUEST');
  return new AppError('INTERNAL');
}

export function errorResponse(c: Context<AppEnv>, err: unknown) {
  const e = toAppError(err);
  const deps = c.get('deps');
  if (e.code === 'INTERNAL') {
    deps?.logger.error({ err, requestId: c.get('requestId') }, 'unhandled error');
  }
  if (!c.get('m')) {
    c.set('locale', DEFAULT_LOCALE);
    c.set('m', messages(DEFAULT_LOCALE));
  }
  if (c.get('actor') === undefined) c.set('actor', null);
  if (c.get('settings') === undefined) c.set('settings', null);
  const m = c.get('m');
  const retryAfter = typeof e.details.retryAfter === 'number' ? e.details.retryAfter : undefined;
  if (retryAfter) c.header('Retry-After', String(retryAfter));
  if (e.code === 'UNAUTHENTICATED' && c.req.method === 'GET' && !wantsJson(c)) {
    const url = new URL(c.req.url);
    return c.redirect(`/auth/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  }
  const message = fmt(m.errors[e.code as ErrorCode], { seconds: retryAfter ?? 60 });
  if (wantsJson(c)) return c.json({ error: { code: e.code, message } }, e.status);
  return page(
    c,
    m.errors.title,
    <div class="narrow">
      <h1>{m.errors.title}</h1>
      <p class="error-message">{message}</p>
      <p>
        <a href="/">{m.errors.backHome}</a>
      </p>
      <p class="muted">ID: {c.get('requestId')}</p>
    </div>,
    e.status,
  );
}
