/**
 * A durable job queue on the `jobs` table.
 *
 * Why our own table rather than pg-boss: a job is inserted through the caller's Drizzle
 * db or transaction, so it commits or rolls back with the change that caused it (the
 * outbox rule in DESIGN.md), and the same SQL runs on PGlite and PostgreSQL.
 *
 * Delivery is at least once: a worker that crashes after its handler finished but
 * before `complete()` leaves a stale lock, and the job runs again. Handlers must be
 * idempotent (the mail handler checks its ledger row first).
 *
 * States: pending → running → done, or → pending again (retry with backoff), or → failed
 * (attempts exhausted, or a PermanentJobError).
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import { pino, type Logger } from 'pino';
import type { Database, Db } from '../../db/client.ts';
import { JOB_STATES, jobs, type JobState } from '../../db/schema.ts';

/** A Drizzle database or a transaction opened on it: both can enqueue. */
export type DbOrTx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** One row of the `jobs` table. */
export type Job = typeof jobs.$inferSelect;

export interface EnqueueOptions {
  /** Earliest time the job may run (default: now, by the database clock). */
  runAt?: Date;
  /**
   * De-duplication key: at most one job ever exists per key (the column is UNIQUE, so
   * this holds for finished jobs too, until they are pruned).
   */
  uniqueKey?: string;
  /** Attempts before the job is marked failed (default 5, the column default). */
  maxAttempts?: number;
}

/**
 * Adds a job. A plain INSERT through the given db or transaction, so the job exists
 * exactly when the caller's transaction commits.
 *
 * @returns the job id, or null when `uniqueKey` was given and a job with that key exists.
 */
export async function enqueue(
  db: DbOrTx,
  queue: string,
  payload: unknown,
  opts: EnqueueOptions = {},
): Promise<number | null> {
  if (!queue) throw new Error('enqueue: queue name is required');
  if (opts.maxAttempts !== undefined && (!Number.isInteger(opts.maxAttempts) || opts.maxAttempts < 1)) {
    throw new Error('enqueue: maxAttempts must be a positive integer');
  }
  const insert = db.insert(jobs).values({
    queue,
    // jsonb NOT NULL: Drizzle sends null/undefined as SQL NULL, so spell JSON null out
    // (undefined, which JSON cannot hold, becomes {}).
    payload: payload === undefined ? {} : payload === null ? sql`'null'::jsonb` : payload,
    ...(opts.runAt ? { runAt: opts.runAt } : {}),
    ...(opts.uniqueKey !== undefined ? { uniqueKey: opts.uniqueKey } : {}),
    ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}),
  });
  const rows =
    opts.uniqueKey !== undefined
      ? await insert.onConflictDoNothing({ target: jobs.uniqueKey }).returning({ id: jobs.id })
      : await insert.returning({ id: jobs.id });
  return rows[0]?.id ?? null;
}

export interface ClaimOptions {
  queues: string[];
  limit: number;
  workerId: string;
}

/**
 * Atomically takes up to `limit` due jobs of the given queues and marks them running.
 * `FOR UPDATE SKIP LOCKED` lets several workers (processes or machines) claim at the
 * same time without waiting on each other and without ever getting the same job.
 */
export async function claimJobs(db: DbOrTx, opts: ClaimOptions): Promise<Job[]> {
  if (opts.queues.length === 0 || opts.limit < 1) return [];
  const due = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.state, 'pending'), lte(jobs.runAt, sql`now()`), inArray(jobs.queue, opts.queues)))
    .orderBy(jobs.runAt, jobs.id)
    .limit(opts.limit)
    .for('update', { skipLocked: true });
  const claimed = await db
    .update(jobs)
    .set({
      state: 'running',
      lockedAt: sql`now()`,
      lockedBy: opts.workerId,
      attempts: sql`${jobs.attempts} + 1`,
    })
    // The repeated state check is belt and braces: the row is locked by the subquery.
    .where(and(inArray(jobs.id, due), eq(jobs.state, 'pending')))
    .returning();
  // UPDATE … RETURNING gives no order; keep the claim order for predictable processing.
  return claimed.sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
}

/** Only the worker that holds the lock (same worker, same attempt) may finish a job. */
function heldBy(job: Pick<Job, 'id' | 'lockedBy' | 'attempts'>) {
  return and(
    eq(jobs.id, job.id),
    eq(jobs.state, 'running'),
    job.lockedBy === null ? sql`${jobs.lockedBy} IS NULL` : eq(jobs.lockedBy, job.lockedBy),
    eq(jobs.attempts, job.attempts),
  );
}

/**
 * Marks a claimed job done. Returns false when the lock was lost meanwhile (the job was
 * re-queued as stale and perhaps claimed by another worker): that run's result wins.
 */
export async function complete(db: DbOrTx, job: Pick<Job, 'id' | 'lockedBy' | 'attempts'>): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ state: 'done', finishedAt: sql`now()`, lockedAt: null, lockedBy: null, lastError: null })
    .where(heldBy(job))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** Thrown by a handler when retrying cannot help (bad payload, …): the job fails at once. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

export interface BackoffOptions {
  /** Delay unit; the n-th failure waits 2^n × base seconds (default 10). */
  baseSeconds?: number;
  /** Upper bound of one delay (default 3600). */
  maxSeconds?: number;
  /** Random extra of up to this fraction (default 0.1), so jobs that failed together do not retry together. */
  jitter?: number;
}

/** Seconds to wait before the next try after `attempts` failed attempts. */
export function retryDelaySeconds(attempts: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = opts.baseSeconds ?? 10;
  const max = opts.maxSeconds ?? 3600;
  const jitter = opts.jitter ?? 0.1;
  const delay = Math.min(base * 2 ** Math.max(0, attempts), max);
  return delay * (1 + jitter * random());
}

function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

export type FailOutcome = 'retry' | 'failed' | 'lost';

/**
 * Records a failed attempt: back to pending with exponential backoff, or failed when the
 * attempts are used up or the error is a PermanentJobError. The delay is added to the
 * database clock (`now()`), not the worker's, so clock skew between machines cannot
 * make a job due early or late.
 */
export async function fail(
  db: DbOrTx,
  job: Pick<Job, 'id' | 'lockedBy' | 'attempts' | 'maxAttempts'>,
  error: unknown,
  backoff: BackoffOptions = {},
): Promise<FailOutcome> {
  const lastError = describeError(error);
  const final = error instanceof PermanentJobError || job.attempts >= job.maxAttempts;
  const set = final
    ? { state: 'failed' as const, finishedAt: sql`now()`, lockedAt: null, lockedBy: null, lastError }
    : {
        state: 'pending' as const,
        runAt: sql`now() + (${retryDelaySeconds(job.attempts, backoff)}::double precision * interval '1 second')`,
        lockedAt: null,
        lockedBy: null,
        lastError,
      };
  const rows = await db.update(jobs).set(set).where(heldBy(job)).returning({ id: jobs.id });
  if (rows.length === 0) return 'lost';
  return final ? 'failed' : 'retry';
}

/**
 * Returns to pending the running jobs whose lock is older than `lockTimeoutMs`: their
 * worker crashed or lost its database connection (live workers refresh their locks,
 * see startWorkers). A job that has used all its attempts is marked failed instead, so
 * a job that kills its worker every time cannot loop forever.
 *
 * @returns how many jobs were re-queued or failed.
 */
export async function requeueStale(db: DbOrTx, opts: { lockTimeoutMs: number }): Promise<number> {
  const rows = await db
    .update(jobs)
    .set({
      state: sql`CASE WHEN ${jobs.attempts} >= ${jobs.maxAttempts} THEN 'failed' ELSE 'pending' END`,
      finishedAt: sql`CASE WHEN ${jobs.attempts} >= ${jobs.maxAttempts} THEN now() ELSE NULL END`,
      runAt: sql`now()`,
      lastError: sql`'lock expired: worker ' || coalesce(${jobs.lockedBy}, '?') || ' stopped responding'`,
      lockedAt: null,
      lockedBy: null,
    })
    .where(
      and(
        eq(jobs.state, 'running'),
        lt(jobs.lockedAt, sql`now() - (${opts.lockTimeoutMs}::double precision * interval '1 millisecond')`),
      ),
    )
    .returning({ id: jobs.id });
  return rows.length;
}

/** Extends the locks of jobs this worker is still running, so they are not taken as stale. */
export async function refreshLocks(db: DbOrTx, workerId: string, jobIds: number[]): Promise<number> {
  if (jobIds.length === 0) return 0;
  const rows = await db
    .update(jobs)
    .set({ lockedAt: sql`now()` })
    .where(and(inArray(jobs.id, jobIds), eq(jobs.state, 'running'), eq(jobs.lockedBy, workerId)))
    .returning({ id: jobs.id });
  return rows.length;
}

/** Number of jobs in each state (every state present, zero when none). */
export async function jobCounts(db: DbOrTx): Promise<Record<JobState, number>> {
  const rows = await db
    .select({ state: jobs.state, count: sql<number>`count(*)::int`.mapWith(Number) })
    .from(jobs)
    .groupBy(jobs.state);
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
  for (const row of rows) if (row.state in counts) counts[row.state] = row.count;
  return counts;
}

/** Jobs newest first, for an operator page. */
export async function listJobs(
  db: DbOrTx,
  opts: { state?: JobState; queue?: string; limit?: number; offset?: number } = {},
): Promise<Job[]> {
  const conditions = [
    opts.state ? eq(jobs.state, opts.state) : undefined,
    opts.queue ? eq(jobs.queue, opts.queue) : undefined,
  ];
  return db
    .select()
    .from(jobs)
    .where(and(...conditions))
    .orderBy(desc(jobs.id))
    .limit(Math.min(Math.max(opts.limit ?? 50, 1), 1000))
    .offset(Math.max(opts.offset ?? 0, 0));
}

/** Puts a failed job back in the queue with fresh attempts (an operator's "retry"). */
export async function retryFailedJob(db: DbOrTx, id: number): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ state: 'pending', attempts: 0, runAt: sql`now()`, finishedAt: null })
    .where(and(eq(jobs.id, id), eq(jobs.state, 'failed')))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** Deletes jobs that finished (done or failed) before `olderThan`; returns how many. */
export async function pruneJobs(db: DbOrTx, opts: { olderThan: Date; states?: ('done' | 'failed')[] }): Promise<number> {
  const rows = await db
    .delete(jobs)
    .where(and(inArray(jobs.state, opts.states ?? ['done']), lt(jobs.finishedAt, opts.olderThan)))
    .returning({ id: jobs.id });
  return rows.length;
}

// ---------------------------------------------------------------- workers

export interface JobContext {
  db: Db;
  jobId: number;
  /** 1 for the first try. */
  attempt: number;
  maxAttempts: number;
  log: Logger;
}

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void>;

export interface WorkerOptions {
  database: Database;
  /** One handler per queue name; only these queues are claimed. */
  handlers: Record<string, JobHandler>;
  /** Jobs run at the same time in this process (default 4). */
  concurrency?: number;
  /** Pause between polls when nothing is due (default 1000 ms). */
  pollMs?: number;
  /** A running job whose lock is older than this is considered abandoned (default 10 min). */
  lockTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Silent when not given (tests). */
  logger?: Logger;
  /** Identifies this worker in `locked_by` (default host:pid:random). */
  workerId?: string;
  /**
   * Re-queue every running job at start instead of waiting for its lock to expire.
   * Default: true on PGlite, where the data-folder lock guarantees that no other process
   * works on the queue, so a running job at start belonged to a process that died (a
   * 15-minute sign-in link should not wait 10 minutes for that). Leave it off when this
   * process starts several worker sets on one database.
   */
  recoverRunningOnStart?: boolean;
}

export interface Workers {
  readonly workerId: string;
  /** Stops claiming new jobs and resolves once the running ones have finished. */
  stop(): Promise<void>;
  /** Polls at once, e.g. right after this process enqueued a job and committed. */
  wake(): void;
}

/**
 * Starts polling workers in this process. Handlers that throw are retried with backoff;
 * handlers are called outside any transaction (sending mail must not hold one open).
 */
export function startWorkers(opts: WorkerOptions): Workers {
  const db = opts.database.db;
  const queues = Object.keys(opts.handlers);
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 4));
  const pollMs = Math.max(1, opts.pollMs ?? 1000);
  const lockTimeoutMs = Math.max(10, opts.lockTimeoutMs ?? 10 * 60_000);
  const log = opts.logger ?? pino({ level: 'silent' });
  const workerId = opts.workerId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  // Sweeping for abandoned jobs is cheap but need not happen on every poll.
  const sweepMs = Math.min(lockTimeoutMs / 2, 60_000);

  const running = new Map<number, Promise<void>>();
  let stopping = false;
  let woken = false;
  let interrupt: (() => void) | undefined;

  const wake = () => {
    woken = true;
    interrupt?.();
  };

  // A wake() that arrives while the loop is busy is remembered, so it is never lost.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopping) {
        woken = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interrupt = undefined;
        woken = false;
        resolve();
      }
      interrupt = done;
    });

  const run = (job: Job) => {
    const handler = opts.handlers[job.queue];
    const jobLog = log.child({ jobId: job.id, queue: job.queue, attempt: job.attempts });
    const promise = (async () => {
      let failed: unknown;
      let succeeded = false;
      try {
        if (!handler) throw new PermanentJobError(`no handler for queue ${job.queue}`);
        await handler(job.payload, { db, jobId: job.id, attempt: job.attempts, maxAttempts: job.maxAttempts, log: jobLog });
        succeeded = true;
      } catch (err) {
        failed = err;
      }
      // Recording the outcome is kept apart from the handler: a database error here must
      // not turn a successful run into a retry (the stale-lock sweep covers that case).
      try {
        if (succeeded) {
          if (!(await complete(db, job))) jobLog.warn('job finished after its lock was taken over');
          else jobLog.debug('job done');
        } else {
          const outcome = await fail(db, job, failed, opts.backoff);
          jobLog.warn({ err: failed, outcome }, outcome === 'retry' ? 'job failed; will retry' : 'job failed');
        }
      } catch (err) {
        jobLog.error({ err }, 'could not record the job outcome');
      }
    })().finally(() => {
      running.delete(job.id);
      wake(); // a slot is free: more jobs may be due
    });
    running.set(job.id, promise);
  };

  const heartbeat = setInterval(
    () => {
      refreshLocks(db, workerId, [...running.keys()]).catch((err) => log.error({ err }, 'could not refresh job locks'));
    },
    Math.max(5, Math.floor(lockTimeoutMs / 3)),
  );
  heartbeat.unref();

  const loop = (async () => {
    let lastSweep = 0;
    if (opts.recoverRunningOnStart ?? opts.database.kind === 'pglite') {
      try {
        const n = await requeueStale(db, { lockTimeoutMs: 0 });
        if (n > 0) log.warn({ count: n }, 're-queued jobs left running by a previous process');
      } catch (err) {
        log.error({ err }, 'could not re-queue jobs left running');
      }
    }
    while (!stopping) {
      let wait = pollMs;
      try {
        if (Date.now() - lastSweep >= sweepMs) {
          lastSweep = Date.now();
          const n = await requeueStale(db, { lockTimeoutMs });
          if (n > 0) log.warn({ count: n }, 're-queued abandoned jobs');
        }
        const free = concurrency - running.size;
        if (free > 0 && !stopping) {
          const claimed = await claimJobs(db, { queues, limit: free, workerId });
          for (const job of claimed) run(job);
        }
        // With every slot busy, the next poll comes when a job finishes (it calls wake).
        if (running.size >= concurrency) wait = 60_000;
      } catch (err) {
        log.error({ err }, 'job poll failed');
      }
      await sleep(wait);
    }
  })();

  log.debug({ workerId, queues, concurrency }, 'job workers started');

  return {
    workerId,
    wake,
    async stop() {
      stopping = true;
      interrupt?.();
      await loop;
      while (running.size > 0) await Promise.allSettled([...running.values()]);
      clearInterval(heartbeat);
      log.debug({ workerId }, 'job workers stopped');
    },
  };
}
