/**
 * Directory search pages kept in memory while the directory is unchanged.
 *
 * Many members run the same searches (a surname, 営業, engineer); at 1,000,000 members one costs
 * 5–30 ms of database time. A page is cached per audience and query (terms, filters, sort,
 * cursor) — never per viewer — together with the directory's generation, a number that a
 * trigger moves on in the same transaction as every change to `directory_entries` (migration
 * 0011). The search reads the current generation in the statement that counts it for the rate
 * limit, so a page is served only while nothing in the directory has changed since it was built:
 * a member who hides themselves, or hides a field, is out of every cached page the moment the
 * change commits, in every process.
 *
 * What differs between viewers is applied to the cached page on each request: the viewer and
 * the members blocked either way are removed. A page is therefore built with a few spare rows;
 * when removals leave less than a page, the search runs for that viewer instead.
 */
import type { DirectoryHit, DirectoryPage, DirectoryQuery } from './profiles.repository.ts';

/** Rows read beyond a page so that removing the viewer and their blocks still leaves one. */
export const SPARE_ROWS = 8;

interface Entry {
  generation: number;
  page: DirectoryPage;
  /** The query returned fewer rows than it asked for: nothing follows these hits. */
  complete: boolean;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Served from the database because removing the viewer's exclusions left less than a page. */
  shortfalls: number;
}

export class SearchCache {
  private readonly entries = new Map<string, Entry>();
  readonly stats: CacheStats = { hits: 0, misses: 0, shortfalls: 0 };

  constructor(private readonly capacity: number) {}

  /**
   * A page of `limit` + 1 rows (the extra one tells whether another page follows) for a viewer,
   * from the cache when its entry is of the current generation, else from `run` (called with no
   * exclusions and `limit` + SPARE_ROWS + 1 rows, and cached). Null when the viewer's exclusions
   * leave too few cached rows: the caller searches for them alone.
   */
  async page(
    query: Omit<DirectoryQuery, 'exclude' | 'limit'>,
    limit: number,
    generation: number,
    exclude: ReadonlySet<string>,
    run: (q: DirectoryQuery) => Promise<DirectoryPage>,
  ): Promise<DirectoryPage | null> {
    const key = cacheKey(query);
    let entry = this.entries.get(key);
    if (entry && entry.generation === generation) {
      this.stats.hits++;
      // Most recently used last: the first key is the one evicted.
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      this.stats.misses++;
      const wanted = limit + 1 + SPARE_ROWS;
      const page = await run({ ...query, exclude: [], limit: wanted });
      entry = { generation, page, complete: page.hits.length < wanted };
      this.entries.delete(key);
      this.entries.set(key, entry);
      while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    }
    const hits: DirectoryHit[] = [];
    for (const hit of entry.page.hits) {
      if (exclude.has(hit.userId)) continue;
      hits.push(hit);
      if (hits.length === limit + 1) break;
    }
    if (hits.length <= limit && !entry.complete) {
      this.stats.shortfalls++;
      return null;
    }
    return { hits, capped: entry.page.capped };
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Every part of a query that changes its rows (all of it but the exclusions and the page size), keys sorted. */
export function cacheKey(q: Omit<DirectoryQuery, 'exclude' | 'limit'>): string {
  const parts = Object.entries(q).filter(([name, value]) => value !== undefined && name !== 'exclude' && name !== 'limit');
  return JSON.stringify(parts.sort(([a], [b]) => (a < b ? -1 : 1)));
}

const caches = new WeakMap<object, SearchCache>();

/** The process's cache for a database (one per database handle), or null when turned off. */
export function searchCacheFor(db: object, capacity: number): SearchCache | null {
  if (capacity <= 0) return null;
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new SearchCache(capacity)));
  return cache;
}
