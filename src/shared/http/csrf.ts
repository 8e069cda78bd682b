/**
 * CSRF protection for every state-changing request (forms and JSON alike):
 * 1. when the browser sends Origin (or Sec-Fetch-Site), it must be this site;
 * 2. and the request must carry a token (form field `_csrf` or header `x-csrf-token`)
 *    that is an HMAC of a random per-browser cookie — a cross-site page can neither
 *    read the cookie nor compute the token.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { AppError } from '../errors.ts';
import type { AppEnv } from './context.ts';

const COOKIE = 'kizuna_csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfTokenFor(secret: string, browserId: string): string {
  return createHmac('sha256', secret).update(`csrf:${browserId}`).digest('base64url');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function csrf(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { config } = c.get('deps');
    let browserId = getCookie(c, COOKIE);
    if (!browserId || !/^[A-Za-z0-9_-]{20,64}$/.test(browserId)) {
      browserId = randomBytes(24).toString('base64url');
      setCookie(c, COOKIE, browserId, { httpOnly: true, sameSite: 'Lax', secure: config.secure, path: '/' });
    }
    const expected = csrfTokenFor(config.secret, browserId);
    c.set('csrfToken', expected);
    if (SAFE.has(c.req.method)) return next();

    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    const ownOrigin = new URL(config.baseUrl).origin;
    const requestOrigin = new URL(c.req.url).origin;
    if (origin && origin !== 'null' && origin !== ownOrigin && origin !== requestOrigin) throw new AppError('CSRF');
    if (origin === 'null') throw new AppError('CSRF');
    if (site && site !== 'same-origin' && site !== 'none') throw new AppError('CSRF');

    let sent = c.req.header('x-csrf-token');
    if (!sent) {
      const type = c.req.header('content-type') ?? '';
      if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
        const body = await c.req.parseBody();
        const value = body['_csrf'];
        sent = typeof value === 'string' ? value : undefined;
      }
    }
    if (!sent || !equal(sent, expected)) throw new AppError('CSRF');
    return next();
  };
}
