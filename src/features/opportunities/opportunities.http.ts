/** What the opportunity and application routes share: the view base, path and query parameters, repeated form fields. */
import type { Context } from 'hono';
import { AppError } from '../../shared/errors.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { toZonedInput } from '../../shared/i18n/zoned.ts';
import type { ViewBase } from './opportunities.present.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const deps = (c: Context<AppEnv>) => c.get('deps');
export const actorOf = (c: Context<AppEnv>) => c.get('actor') as Actor;
export const timeZoneOf = (c: Context<AppEnv>) => c.get('settings')?.timeZone ?? 'Asia/Tokyo';

export function base(c: Context<AppEnv>): ViewBase {
  return { m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), timeZone: timeZoneOf(c), baseUrl: deps(c).config.baseUrl };
}

/** Today in the network's time zone, as `YYYY-MM-DD`. */
export function today(c: Context<AppEnv>, now = new Date()): string {
  return toZonedInput(now, timeZoneOf(c)).slice(0, 10);
}

/** A path parameter that must be a UUID: anything else is a page that does not exist (never a database error). */
export function idParam(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw new AppError('NOT_FOUND');
  return id;
}

/** An optional UUID in the query string (a filter): anything else is ignored. */
export function uuidQuery(c: Context<AppEnv>, name: string): string | undefined {
  const v = c.req.query(name) ?? '';
  return UUID.test(v) ? v : undefined;
}

export function pageParam(c: Context<AppEnv>): number {
  const n = Number.parseInt(c.req.query('page') ?? '1', 10);
  return Number.isFinite(n) && n >= 1 && n <= 10_000 ? n : 1;
}

