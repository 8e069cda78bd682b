/** Small SQL helpers shared by the repositories that write raw SQL with Drizzle's `sql`. */
import { sql, type SQL } from 'drizzle-orm';

/** The rows of `db.execute()`: node-postgres answers `{ rows }`, PGlite's driver the same shape; both handled. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  return (result as { rows?: Record<string, unknown>[] }).rows ?? (result as Record<string, unknown>[]);
}

/** A parameterised `array[$1, $2, …]::text[]` (an empty list gives an empty array). */
export function textArray(values: readonly string[]): SQL {
  return values.length ? sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]` : sql`'{}'::text[]`;
}
