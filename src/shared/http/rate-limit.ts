/**
 * Fixed-window rate limits kept in the database, so every app process shares them.
 * Exceeding a limit throws AppError('RATE_LIMITED') → 429 with Retry-After.
 */
import { createHash } from 'node:crypto';
import { and, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rateLimits } from '../../db/schema.ts';
import { AppError } from '../errors.ts';

export interface Limit {
  /** What is limited, e.g. 'sign-in:ip'. */
  name: string;
  max: number;
  windowSeconds: number;
}

/** Known limits, in one place so operators and reviewers can see them. */
export const LIMITS = {
  signInPerIp: { name: 'sign-in:ip', max: 20, windowSeconds: 600 },
  signInPerEmail: { name: 'sign-in:email', max: 8, windowSeconds: 600 },
  mailPerIp: { name: 'mail:ip', max: 10, windowSeconds: 600 },
  mailPerEmail: { name: 'mail:email', max: 3, windowSeconds: 600 },
  signUpPerIp: { name: 'sign-up:ip', max: 10, windowSeconds: 3600 },
  twoFactorPerIp: { name: '2fa:ip', max: 10, windowSeconds: 300 },
} as const satisfies Record<string, Limit>;

/** Identifiers such as e-mail addresses are hashed: the table holds no personal data. */
function keyFor(limit: Limit, subject: string): string {
  return `${limit.name}:${createHash('sha256').update(subject.toLowerCase()).digest('base64url').slice(0, 22)}`;
}

/**
 * Counts one hit of `subject` against `limit`; throws RATE_LIMITED once the window is full.
 * `now` is injectable for tests.
 */
export async function hit(db: Db, limit: Limit, subject: string, now = new Date()): Promise<void> {
  const windowMs = limit.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const key = keyFor(limit, subject);
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart, count: 1 })
    .onConflictDoUpdate({ target: [rateLimits.key, rateLimits.windowStart], set: { count: sql`${rateLimits.count} + 1` } })
    .returning({ count: rateLimits.count });
  if ((row?.count ?? 0) > limit.max) {
    const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
    throw new AppError('RATE_LIMITED', `rate limit ${limit.name}`, { retryAfter });
  }
}

/** Deletes finished windows (run by a periodic job). */
export async function pruneRateLimits(db: Db, now = new Date()): Promise<void> {
  await db.delete(rateLimits).where(and(lt(rateLimits.windowStart, new Date(now.getTime() - 24 * 3600 * 1000))));
}
