/** What the request and feedback routes share: the view base, checked path and page parameters, and rate limits that keep the input. */
import type { Context } from 'hono';
import { AppError } from '../../shared/errors.ts';
import type { AppEnv } from '../../shared/http/context.ts';
import type { ViewBase } from './views/CaseParts.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function base(c: Context<AppEnv>): ViewBase {
  return { m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), timeZone: c.get('settings')?.timeZone ?? 'Asia/Tokyo' };
}

/** A path parameter that must be a UUID: anything else is a page that does not exist (never a database error). */
export function idParam(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw new AppError('NOT_FOUND');
  return id;
}

export function pageParam(c: Context<AppEnv>): number {
  const n = Number.parseInt(c.req.query('page') ?? '1', 10);
  return Number.isFinite(n) && n >= 1 && n <= 10_000 ? n : 1;
}

/** Runs `create`; a rate limit re-renders the form with what was typed (a long text is not lost) instead of an error page. */
export async function keepingInput(create: () => Promise<string>, onLimited: () => Response | Promise<Response>): Promise<string | Response> {
  try {
    return await create();
  } catch (err) {
    if (err instanceof AppError && err.code === 'RATE_LIMITED') return onLimited();
    throw err;
  }
}

/** Mail may have been queued: wake the in-process workers (after the change committed). */
export const wake = (c: Context<AppEnv>) => c.get('deps').wakeWorkers();
