/**
 * Directory searches counted for the hourly limit (DIRECTORY_SEARCHES_PER_HOUR) without a write
 * per search. Each process counts its searches in memory and adds them to `directory_views`
 * every second, in one statement for every member; a search's count is the hour's recorded count
 * plus what this process has not written yet. With several web processes a member could exceed
 * the limit by what the others counted in the last second; a crash loses at most that second.
 *
 * Before: an upsert of the member's row on every search, so a member's concurrent searches
 * queued on that row's lock, and every search wrote to the database.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { textArray } from '../../db/sql.ts';

export const FLUSH_EVERY_MS = 1000;

interface Pending {
  userId: string;
  hour: Date;
  searches: number;
}

class SearchCounter {
  private pending = new Map<string, Pending>();
  private writing = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(private readonly db: Db) {}

  /** Counts one search; returns what this process has counted for the member's hour and not yet written (this one included). */
  add(userId: string, hour: Date): number {
    const key = `${userId}|${hour.getTime()}`;
    const entry = this.pending.get(key) ?? { userId, hour, searches: 0 };
    entry.searches++;
    this.pending.set(key, entry);
    if (!this.timer) {
      this.timer = setInterval(() => void this.flush().catch(() => {}), FLUSH_EVERY_MS);
      this.timer.unref();
    }
    return this.unwritten(userId, hour);
  }

  /** Counted here and not yet written: waiting, or being written right now. */
  unwritten(userId: string, hour: Date): number {
    const key = `${userId}|${hour.getTime()}`;
    return (this.pending.get(key)?.searches ?? 0) + (this.writing.get(key)?.searches ?? 0);
  }

  /** Writes the counts; what could not be written is kept for the next try. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => {});
    if (this.pending.size === 0) return;
    this.writing = this.pending;
    this.pending = new Map();
    const batch = [...this.writing.values()];
    this.flushing = (async () => {
      let written = 0;
      try {
        // A few thousand members per statement (three parameters each).
        for (; written < batch.length; written += 5000) await this.write(batch.slice(written, written + 5000));
      } catch (err) {
        for (const p of batch.slice(written)) {
          const key = `${p.userId}|${p.hour.getTime()}`;
          const entry = this.pending.get(key) ?? { ...p, searches: 0 };
          entry.searches += p.searches;
          this.pending.set(key, entry);
        }
        throw err;
      } finally {
        this.writing = new Map();
      }
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
  }

  /** Bookkeeping, not a record: committed without waiting for the disk. Members deleted since are skipped. */
  private async write(batch: Pending[]): Promise<void> {
    const users = textArray(batch.map((p) => p.userId));
    const hours = textArray(batch.map((p) => p.hour.toISOString()));
    const searches = textArray(batch.map((p) => String(p.searches)));
    await this.db.execute(sql`
      with counts as (
        select * from unnest(${users}, ${hours}::timestamptz[], ${searches}::int[]) as c(user_id, hour, searches)
      ), settings as (select set_config('synchronous_commit', 'off', true))
      insert into directory_views (user_id, hour, searches)
      select c.user_id, c.hour, c.searches from counts c, settings where exists (select 1 from users u where u.id = c.user_id)
      on conflict (user_id, hour) do update set searches = directory_views.searches + excluded.searches`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

const counters = new WeakMap<Db, SearchCounter>();

export function searchCounter(db: Db): SearchCounter {
  let counter = counters.get(db);
  if (!counter) counters.set(db, (counter = new SearchCounter(db)));
  return counter;
}

/** Writes this process's unwritten search counts now (before reading them back, and at shutdown). */
export async function flushSearchCounts(db: Db): Promise<void> {
  const counter = counters.get(db);
  if (!counter) return;
  counter.stop();
  await counter.flush();
}
