import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase } from '../../../test/db.ts';
import type { Database, Db } from '../../db/client.ts';
import { jobs } from '../../db/schema.ts';
import {
  claimJobs,
  complete,
  enqueue,
  fail,
  jobCounts,
  listJobs,
  PermanentJobError,
  pruneJobs,
  requeueStale,
  retryDelaySeconds,
  retryFailedJob,
  startWorkers,
  type Job,
} from './queue.ts';

let database: Database;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});

afterAll(async () => {
  // pg's Pool.end() resolves before its sockets close, and test/db.ts then drops the
  // database WITH (FORCE): a backend still exiting reports 57P01 to a client the pool no
  // longer watches. That error is expected during teardown.
  database?.pool?.on('error', () => {});
  await database?.close();
});

beforeEach(async () => {
  await db.delete(jobs);
});

async function getJob(id: number): Promise<Job> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  if (!row) throw new Error(`job ${id} not found`);
  return row;
}

/** Seconds from the database's now() to the job's run_at. */
async function secondsUntilDue(id: number): Promise<number> {
  const [row] = await db
    .select({ s: sql<number>`extract(epoch from ${jobs.runAt} - now())::float8`.mapWith(Number) })
    .from(jobs)
    .where(eq(jobs.id, id));
  return row!.s;
}

async function makeDue(id: number) {
  await db.update(jobs).set({ runAt: sql`now() - interval '1 second'` }).where(eq(jobs.id, id));
}

async function until(check: () => Promise<boolean>, timeoutMs = 5000) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('enqueue', () => {
  it('commits and rolls back with the caller’s transaction', async () => {
    await expect(
      db.transaction(async (tx) => {
        await enqueue(tx, 'test.q', { n: 1 });
        tx.rollback();
      }),
    ).rejects.toThrow();
    expect(await db.select().from(jobs)).toHaveLength(0);

    const id = await db.transaction(async (tx) => enqueue(tx, 'test.q', { n: 2 }));
    const job = await getJob(id!);
    expect(job).toMatchObject({ queue: 'test.q', payload: { n: 2 }, state: 'pending', attempts: 0, maxAttempts: 5 });
  });

  it('keeps at most one job per uniqueKey', async () => {
    const first = await enqueue(db, 'test.q', { n: 1 }, { uniqueKey: 'k1' });
    const second = await enqueue(db, 'test.q', { n: 2 }, { uniqueKey: 'k1' });
    const other = await enqueue(db, 'test.q', { n: 3 }, { uniqueKey: 'k2' });
    expect(first).toBeTypeOf('number');
    expect(second).toBeNull();
    expect(other).toBeTypeOf('number');
    expect((await getJob(first!)).payload).toEqual({ n: 1 });
    expect(await db.select().from(jobs)).toHaveLength(2);
  });

  it('honours runAt and maxAttempts', async () => {
    const future = new Date(Date.now() + 60 * 60_000);
    const id = await enqueue(db, 'test.q', null, { runAt: future, maxAttempts: 2 });
    const job = await getJob(id!);
    expect(job.runAt.getTime()).toBe(future.getTime());
    expect(job.maxAttempts).toBe(2);
    expect(job.payload).toBeNull();
    expect(await claimJobs(db, { queues: ['test.q'], limit: 5, workerId: 'w' })).toHaveLength(0);
  });
});

describe('claimJobs', () => {
  it('claims due jobs of the given queues in order and marks them running', async () => {
    const a = await enqueue(db, 'q.a', { i: 1 });
    const b = await enqueue(db, 'q.a', { i: 2 });
    await enqueue(db, 'q.other', {});
    const claimed = await claimJobs(db, { queues: ['q.a'], limit: 10, workerId: 'w1' });
    expect(claimed.map((j) => j.id)).toEqual([a, b]);
    for (const job of claimed) {
      expect(job).toMatchObject({ state: 'running', lockedBy: 'w1', attempts: 1 });
      expect(job.lockedAt).toBeInstanceOf(Date);
    }
    expect(await claimJobs(db, { queues: ['q.a'], limit: 10, workerId: 'w2' })).toHaveLength(0);
    expect(await claimJobs(db, { queues: [], limit: 10, workerId: 'w2' })).toHaveLength(0);
  });

  it('is exclusive: a claimer holding its locks does not block another, and they never share a job', async () => {
    for (let i = 0; i < 10; i++) await enqueue(db, 'q.x', { i });
    let releaseFirst!: () => void;
    const held = new Promise<void>((r) => (releaseFirst = r));
    let firstClaimed!: () => void;
    const claimedSignal = new Promise<void>((r) => (firstClaimed = r));

    // The first claimer keeps its transaction (and row locks) open while the second claims.
    const first = db.transaction(async (tx) => {
      const got = await claimJobs(tx, { queues: ['q.x'], limit: 5, workerId: 'A' });
      firstClaimed();
      await held;
      return got;
    });
    let second: Promise<Job[]>;
    if (database.kind === 'postgres') {
      await claimedSignal;
      // On PostgreSQL this runs on another connection while A's locks are held: SKIP LOCKED
      // must hand out the other five at once instead of waiting for A.
      second = claimJobs(db, { queues: ['q.x'], limit: 5, workerId: 'B' });
      const got = await second;
      expect(got).toHaveLength(5);
      releaseFirst();
    } else {
      // PGlite has one connection and runs transactions one after the other.
      releaseFirst();
      second = claimJobs(db, { queues: ['q.x'], limit: 5, workerId: 'B' });
    }
    const [a, b] = await Promise.all([first, second]);
    const ids = [...a, ...b].map((j) => j.id);
    expect(a).toHaveLength(5);
    expect(b).toHaveLength(5);
    expect(new Set(ids).size).toBe(10);
  });

  it('never gives one job to two of many concurrent claimers', async () => {
    const total = 60;
    for (let i = 0; i < total; i++) await enqueue(db, 'q.many', { i });
    const seen: number[] = [];
    const claimer = async (name: string) => {
      for (;;) {
        const got = await claimJobs(db, { queues: ['q.many'], limit: 3, workerId: name });
        if (got.length === 0) return;
        seen.push(...got.map((j) => j.id));
      }
    };
    await Promise.all(['w1', 'w2', 'w3', 'w4', 'w5'].map(claimer));
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    const counts = await jobCounts(db);
    expect(counts).toEqual({ pending: 0, running: total, done: 0, failed: 0 });
  });
});

describe('complete and fail', () => {
  it('completes a claimed job once; a worker that lost the lock cannot complete it', async () => {
    const id = await enqueue(db, 'q.c', {});
    const [job] = await claimJobs(db, { queues: ['q.c'], limit: 1, workerId: 'w' });
    expect(await complete(db, { ...job!, lockedBy: 'someone-else' })).toBe(false);
    expect(await complete(db, job!)).toBe(true);
    expect(await complete(db, job!)).toBe(false);
    const done = await getJob(id!);
    expect(done).toMatchObject({ state: 'done', lockedBy: null, lockedAt: null });
    expect(done.finishedAt).toBeInstanceOf(Date);
  });

  it('retries with exponential backoff, then fails after maxAttempts', async () => {
    const id = (await enqueue(db, 'q.r', {}, { maxAttempts: 3 }))!;
    const backoff = { baseSeconds: 10, maxSeconds: 3600, jitter: 0 };

    let [job] = await claimJobs(db, { queues: ['q.r'], limit: 1, workerId: 'w' });
    expect(await fail(db, job!, new Error('boom 1'), backoff)).toBe('retry');
    let row = await getJob(id);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, lastError: 'Error: boom 1', lockedBy: null });
    expect(await secondsUntilDue(id)).toBeGreaterThan(19);
    expect(await secondsUntilDue(id)).toBeLessThanOrEqual(20);
    // Not due yet: nobody gets it.
    expect(await claimJobs(db, { queues: ['q.r'], limit: 1, workerId: 'w' })).toHaveLength(0);

    await makeDue(id);
    [job] = await claimJobs(db, { queues: ['q.r'], limit: 1, workerId: 'w' });
    expect(job!.attempts).toBe(2);
    expect(await fail(db, job!, new Error('boom 2'), backoff)).toBe('retry');
    expect(await secondsUntilDue(id)).toBeGreaterThan(39);
    expect(await secondsUntilDue(id)).toBeLessThanOrEqual(40);

    await makeDue(id);
    [job] = await claimJobs(db, { queues: ['q.r'], limit: 1, workerId: 'w' });
    expect(await fail(db, job!, 'boom 3', backoff)).toBe('failed');
    row = await getJob(id);
    expect(row).toMatchObject({ state: 'failed', attempts: 3, lastError: 'boom 3' });
    expect(row.finishedAt).toBeInstanceOf(Date);

    // An operator can put it back.
    expect(await retryFailedJob(db, id)).toBe(true);
    expect(await getJob(id)).toMatchObject({ state: 'pending', attempts: 0, finishedAt: null });
  });

  it('fails at once on a PermanentJobError', async () => {
    const id = (await enqueue(db, 'q.p', {}))!;
    const [job] = await claimJobs(db, { queues: ['q.p'], limit: 1, workerId: 'w' });
    expect(await fail(db, job!, new PermanentJobError('bad payload'))).toBe('failed');
    expect(await getJob(id)).toMatchObject({ state: 'failed', attempts: 1, lastError: 'PermanentJobError: bad payload' });
  });

  it('computes capped delays with bounded jitter', () => {
    expect(retryDelaySeconds(1, { baseSeconds: 10, jitter: 0 })).toBe(20);
    expect(retryDelaySeconds(3, { baseSeconds: 10, jitter: 0 })).toBe(80);
    expect(retryDelaySeconds(20, { baseSeconds: 10, maxSeconds: 3600, jitter: 0 })).toBe(3600);
    expect(retryDelaySeconds(1, { baseSeconds: 10, jitter: 0.1 }, () => 0.999)).toBeCloseTo(21.998, 2);
  });
});

describe('stale locks', () => {
  it('re-queues running jobs whose worker stopped refreshing the lock; fails those out of attempts', async () => {
    const live = (await enqueue(db, 'q.s', { n: 'live' }))!;
    const dead = (await enqueue(db, 'q.s', { n: 'dead' }))!;
    const exhausted = (await enqueue(db, 'q.s', { n: 'exhausted' }, { maxAttempts: 1 }))!;
    await claimJobs(db, { queues: ['q.s'], limit: 3, workerId: 'crashed' });
    await db
      .update(jobs)
      .set({ lockedAt: sql`now() - interval '1 hour'` })
      .where(sql`${jobs.id} in (${dead}, ${exhausted})`);

    expect(await requeueStale(db, { lockTimeoutMs: 60_000 })).toBe(2);
    expect(await getJob(live)).toMatchObject({ state: 'running', lockedBy: 'crashed' });
    expect(await getJob(dead)).toMatchObject({ state: 'pending', lockedBy: null, lockedAt: null, attempts: 1 });
    expect((await getJob(dead)).lastError).toContain('crashed');
    expect(await getJob(exhausted)).toMatchObject({ state: 'failed', lockedBy: null });

    // The crashed worker comes back and tries to finish: its lock is gone.
    expect(await complete(db, { id: dead, lockedBy: 'crashed', attempts: 1 })).toBe(false);
    const [again] = await claimJobs(db, { queues: ['q.s'], limit: 1, workerId: 'new' });
    expect(again).toMatchObject({ id: dead, attempts: 2, lockedBy: 'new' });
  });
});

describe('operator views', () => {
  it('counts, lists and prunes', async () => {
    const a = (await enqueue(db, 'q.v', {}))!;
    await enqueue(db, 'q.v', {});
    await enqueue(db, 'q.w', {});
    const [job] = await claimJobs(db, { queues: ['q.v'], limit: 1, workerId: 'w' });
    await complete(db, job!);
    expect(await jobCounts(db)).toEqual({ pending: 2, running: 0, done: 1, failed: 0 });
    expect((await listJobs(db, { limit: 10 })).map((j) => j.queue)).toEqual(['q.w', 'q.v', 'q.v']);
    expect((await listJobs(db, { state: 'done', limit: 10 })).map((j) => j.id)).toEqual([a]);
    expect(await listJobs(db, { queue: 'q.w', limit: 10 })).toHaveLength(1);
    expect(await pruneJobs(db, { olderThan: new Date(Date.now() - 60_000) })).toBe(0);
    expect(await pruneJobs(db, { olderThan: new Date(Date.now() + 60_000) })).toBe(1);
    expect(await jobCounts(db)).toEqual({ pending: 2, running: 0, done: 0, failed: 0 });
  });
});

describe('startWorkers', () => {
  it('processes jobs, retries a throwing handler, and wake() polls at once', async () => {
    const seen: unknown[] = [];
    let flaky = 0;
    const workers = startWorkers({
      database,
      pollMs: 60_000, // only wake() or a finished job triggers a poll in this test
      concurrency: 2,
      backoff: { baseSeconds: 0.01, jitter: 0 },
      handlers: {
        'w.ok': async (payload, ctx) => {
          expect(ctx.attempt).toBe(1);
          expect(ctx.db).toBe(db);
          seen.push(payload);
        },
        'w.flaky': async () => {
          flaky++;
          if (flaky < 3) throw new Error(`flaky ${flaky}`);
        },
      },
    });
    try {
      // The first poll happens at start; these arrive afterwards and need wake().
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 5; i++) await enqueue(db, 'w.ok', { i });
      const flakyId = (await enqueue(db, 'w.flaky', {}, { maxAttempts: 5 }))!;
      workers.wake();
      await until(async () => (await jobCounts(db)).done === 5);
      expect(seen).toHaveLength(5);
      // The retry is due after 20 ms; a poll happens when a job finishes or on wake.
      await until(async () => {
        workers.wake();
        return (await getJob(flakyId)).state === 'done';
      });
      expect(flaky).toBe(3);
      expect(await getJob(flakyId)).toMatchObject({ attempts: 3, lastError: null });
    } finally {
      await workers.stop();
    }
  });

  it('stop() waits for running jobs and claims nothing more', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    const workers = startWorkers({
      database,
      pollMs: 20,
      concurrency: 1,
      handlers: {
        'w.slow': async () => {
          started++;
          await gate;
        },
      },
    });
    const first = (await enqueue(db, 'w.slow', {}))!;
    const second = (await enqueue(db, 'w.slow', {}))!;
    workers.wake();
    await until(async () => started === 1);
    let stopped = false;
    const stopping = workers.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(stopped).toBe(false);
    expect((await getJob(first)).state).toBe('running');
    release();
    await stopping;
    expect(await getJob(first)).toMatchObject({ state: 'done' });
    expect(await getJob(second)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(started).toBe(1);
  });

  it('can re-queue at start the jobs a previous process left running (default on PGlite)', async () => {
    const id = (await enqueue(db, 'w.recover', {}))!;
    await claimJobs(db, { queues: ['w.recover'], limit: 1, workerId: 'previous-process' });
    const off = startWorkers({ database, pollMs: 20, recoverRunningOnStart: false, handlers: { 'w.recover': async () => {} } });
    await new Promise((r) => setTimeout(r, 100));
    await off.stop();
    expect(await getJob(id)).toMatchObject({ state: 'running', lockedBy: 'previous-process' });

    const on = startWorkers({
      database,
      pollMs: 20,
      ...(database.kind === 'pglite' ? {} : { recoverRunningOnStart: true }),
      handlers: { 'w.recover': async () => {} },
    });
    try {
      await until(async () => (await getJob(id)).state === 'done');
      expect(await getJob(id)).toMatchObject({ attempts: 2, lockedBy: null });
    } finally {
      await on.stop();
    }
  });

  it('keeps the locks of long jobs fresh, so they are not taken for abandoned', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const workers = startWorkers({
      database,
      pollMs: 20,
      lockTimeoutMs: 300,
      handlers: { 'w.long': () => gate },
    });
    try {
      const id = (await enqueue(db, 'w.long', {}))!;
      workers.wake();
      await until(async () => (await getJob(id)).state === 'running');
      await new Promise((r) => setTimeout(r, 700));
      expect(await requeueStale(db, { lockTimeoutMs: 300 })).toBe(0);
      expect(await getJob(id)).toMatchObject({ state: 'running', lockedBy: workers.workerId });
      release();
      await until(async () => (await getJob(id)).state === 'done');
    } finally {
      release();
      await workers.stop();
    }
  });
});
