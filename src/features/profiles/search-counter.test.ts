/**
 * Searches counted in memory and written every second (search-counter.ts): the counts add up,
 * members deleted meanwhile are skipped, and counts that could not be written are kept.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import type { Db } from '../../db/client.ts';
import { directoryViews, users } from '../../db/schema.ts';
import { searchContext } from './profiles.repository.ts';
import { flushSearchCounts, searchCounter } from './search-counter.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
});

afterAll(async () => {
  await t?.close();
});

async function recorded(userId: string, hour: Date): Promise<number | null> {
  const [row] = await t.db
    .select({ searches: directoryViews.searches })
    .from(directoryViews)
    .where(and(eq(directoryViews.userId, userId), eq(directoryViews.hour, hour)));
  return row?.searches ?? null;
}

describe('search counter', () => {
  it('adds this process’s unwritten searches to the recorded ones, and writes them in one go', async () => {
    const a = await t.createUser('alumnus');
    const b = await t.createUser('alumnus');
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const previous = new Date(hour.getTime() - 3_600_000);
    const counter = searchCounter(t.db);
    await flushSearchCounts(t.db);

    expect([counter.add(a.id, hour), counter.add(a.id, hour), counter.add(a.id, hour)]).toEqual([1, 2, 3]);
    expect(counter.add(a.id, previous)).toBe(1);
    expect(counter.add(b.id, hour)).toBe(1);
    expect(await recorded(a.id, hour)).toBeNull();

    await flushSearchCounts(t.db);
    expect(counter.unwritten(a.id, hour)).toBe(0);
    expect(await recorded(a.id, hour)).toBe(3);
    expect(await recorded(a.id, previous)).toBe(1);
    expect(await recorded(b.id, hour)).toBe(1);
    expect((await searchContext(t.db, a.id, hour)).recorded).toBe(3);

    // The next ones add to the row.
    counter.add(a.id, hour);
    counter.add(a.id, hour);
    await flushSearchCounts(t.db);
    expect(await recorded(a.id, hour)).toBe(5);
  });

  it('skips a member deleted before the counts were written, and writes the others', async () => {
    const gone = await t.createUser('alumnus');
    const stays = await t.createUser('alumnus');
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    searchCounter(t.db).add(gone.id, hour);
    searchCounter(t.db).add(stays.id, hour);
    await t.db.delete(users).where(eq(users.id, gone.id));
    await flushSearchCounts(t.db);
    expect(await recorded(gone.id, hour)).toBeNull();
    expect(await recorded(stays.id, hour)).toBe(1);
  });

  it('keeps what it could not write, for the next try', async () => {
    const failing = { execute: () => Promise.reject(new Error('database unreachable')) } as unknown as Db;
    const counter = searchCounter(failing);
    const id = randomUUID();
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    counter.add(id, hour);
    counter.add(id, hour);
    await expect(flushSearchCounts(failing)).rejects.toThrow('database unreachable');
    expect(counter.unwritten(id, hour)).toBe(2);
    expect(counter.add(id, hour)).toBe(3);
    counter.stop();
  });
});
