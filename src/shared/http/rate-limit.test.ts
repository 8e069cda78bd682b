import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/db.ts';
import type { Database, Db } from '../../db/client.ts';
import { rateLimits } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import { hit, LIMITS, pruneRateLimits, type Limit } from './rate-limit.ts';

let database: Database;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  await db.delete(rateLimits);
});

const limit: Limit = { name: 'test', max: 3, windowSeconds: 60 };
/** 10 s into a 60 s window. */
const start = new Date(Math.floor(Date.UTC(2030, 0, 1, 9, 0, 0) / 60_000) * 60_000 + 10_000);

async function refused(p: Promise<void>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected RATE_LIMITED');
}

describe('hit', () => {
  it('allows max hits per window, then throws RATE_LIMITED with the seconds left', async () => {
    for (let i = 0; i < limit.max; i++) await hit(db, limit, 'someone', start);
    const err = await refused(hit(db, limit, 'someone', new Date(start.getTime() + 5_000)));
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.status).toBe(429);
    expect(err.details.retryAfter).toBe(45);
  });

  it('starts afresh in the next window', async () => {
    for (let i = 0; i < limit.max; i++) await hit(db, limit, 'someone', start);
    await expect(hit(db, limit, 'someone', start)).rejects.toThrow(AppError);
    await expect(hit(db, limit, 'someone', new Date(start.getTime() + 60_000))).resolves.toBeUndefined();
  });

  it('counts subjects and limits separately, and subjects case-insensitively', async () => {
    for (let i = 0; i < limit.max; i++) await hit(db, limit, 'A@Example.com', start);
    await expect(hit(db, limit, 'a@example.com', start)).rejects.toThrow(AppError);
    await expect(hit(db, limit, 'b@example.com', start)).resolves.toBeUndefined();
    await expect(hit(db, { ...limit, name: 'other' }, 'a@example.com', start)).resolves.toBeUndefined();
  });

  it('stores no personal data: subjects are hashed', async () => {
    await hit(db, limit, 'person@example.com', start);
    const rows = await db.select().from(rateLimits);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).toMatch(/^test:[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(rows)).not.toContain('person');
  });

  it('counts concurrent hits exactly', async () => {
    const big: Limit = { name: 'burst', max: 1000, windowSeconds: 60 };
    await Promise.all(Array.from({ length: 25 }, () => hit(db, big, 'x', start)));
    const [row] = await db.select({ count: rateLimits.count }).from(rateLimits);
    expect(row!.count).toBe(25);
  });

  it('defines sane limits', () => {
    for (const l of Object.values(LIMITS)) {
      expect(l.max).toBeGreaterThan(0);
      expect(l.windowSeconds).toBeGreaterThan(0);
    }
  });
});

describe('pruneRateLimits', () => {
  it('deletes windows that ended more than a day ago', async () => {
    const now = new Date('2030-01-02T12:00:00Z');
    await hit(db, limit, 'old', new Date(now.getTime() - 25 * 3600_000));
    await hit(db, limit, 'recent', new Date(now.getTime() - 3600_000));
    await pruneRateLimits(db, now);
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(rateLimits);
    expect(row!.n).toBe(1);
  });
});
