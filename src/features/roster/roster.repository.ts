/** Roster queries: batched idempotent upserts for imports, listing and export. */
import { createHash } from 'node:crypto';
import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { departments, rosterEntries, rosterHeaderMappings, rosterImports } from '../../db/schema.ts';
import type { RosterField, RosterRow } from './roster.parse.ts';

export type ImportRow = typeof rosterImports.$inferSelect;

/** Makes sure every department name exists; returns name → id. Idempotent. */
export async function ensureDepartments(db: Db, names: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(names.filter(Boolean))];
  const map = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    await db
      .insert(departments)
      .values(chunk.map((n) => ({ code: `D-${createHash('sha256').update(n).digest('hex').slice(0, 10)}`, nameJa: n, nameEn: n })))
      .onConflictDoNothing();
    const rows = await db.select({ id: departments.id, nameJa: departments.nameJa }).from(departments).where(inArray(departments.nameJa, chunk));
    for (const r of rows) map.set(r.nameJa, r.id);
  }
  return map;
}

/** One person as imported: the entry (from their latest line) and their department periods. */
export interface PersonRecord {
  entry: RosterRow;
  /** How many lines of the file this person had (one per department period). */
  lines: number;
  periods: { department: string; fromOn: string | null; toOn: string | null }[];
}

/** Groups valid rows by employee number, in file order; the line with the latest period gives the entry. */
export function groupPeople(rows: RosterRow[]): PersonRecord[] {
  const byNumber = new Map<string, PersonRecord>();
  for (const row of rows) {
    // History rows are kept only where the file gives department periods. Without them the
    // entry's own department over its employment (joined_on..left_on) is the history: the
    // former-colleague query reads both, and a 100,000-row file without periods does not
    // write 100,000 rows that say nothing more than the entries do.
    const period =
      row.department && (row.departmentFrom || row.departmentTo)
        ? { department: row.department, fromOn: row.departmentFrom ?? row.joinedOn, toOn: row.departmentTo ?? row.leftOn }
        : null;
    const existing = byNumber.get(row.employeeNumber);
    if (!existing) {
      byNumber.set(row.employeeNumber, { entry: row, lines: 1, periods: period ? [period] : [] });
      continue;
    }
    existing.lines++;
    if (period) existing.periods.push(period);
    if ((row.departmentFrom ?? '') >= (existing.entry.departmentFrom ?? '')) existing.entry = row;
  }
  return [...byNumber.values()];
}

export interface BatchCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * Upserts one batch of people by employee number. Unchanged rows are not touched
 * (re-importing a file changes nothing); an e-mail address or consent already on record
 * is never erased by a file that lacks it.
 */
/** A PostgreSQL array literal: one parameter for a whole column, so a batch is one short statement. */
export function pgArray(values: readonly (string | boolean | null)[]): string {
  return `{${values
    .map((v) => (v === null ? 'NULL' : typeof v === 'boolean' ? (v ? 't' : 'f') : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`))
    .join(',')}}`;
}

/**
 * Upserts one batch of people by employee number, the whole batch in one statement
 * (columns passed as arrays and unnested). Unchanged rows are not touched (re-importing a
 * file changes nothing); an e-mail address or consent already on record is never erased
 * by a file that lacks it.
 */
export async function upsertPeople(db: Db, people: PersonRecord[], departmentIds: Map<string, string>): Promise<BatchCounts & { changedUserIds: string[] }> {
  if (people.length === 0) return { inserted: 0, updated: 0, unchanged: 0, changedUserIds: [] };
  const rows = people.map((p) => p.entry);
  const col = <T extends string | boolean | null>(f: (r: RosterRow) => T) => pgArray(rows.map(f));
  const result = (await db.execute(sql`
    INSERT INTO roster_entries AS e (employee_number, name, name_kana, name_romaji, department_id, title, joined_on, left_on,
      leave_reason_category, rehire_eligible, personal_email, contact_consent)
    SELECT * FROM unnest(${col((r) => r.employeeNumber)}::text[], ${col((r) => r.name)}::text[], ${col((r) => r.nameKana)}::text[],
      ${col((r) => r.nameRomaji)}::text[], ${col((r) => (r.department ? (departmentIds.get(r.department) ?? null) : null))}::uuid[],
      ${col((r) => r.title)}::text[], ${col((r) => r.joinedOn)}::date[], ${col((r) => r.leftOn)}::date[],
      ${col((r) => r.leaveReasonCategory)}::text[], ${col((r) => r.rehireEligible)}::text[], ${col((r) => r.personalEmail)}::text[],
      ${col((r) => r.contactConsent)}::boolean[])
    ON CONFLICT (employee_number) DO UPDATE SET
      name = excluded.name, name_kana = excluded.name_kana, name_romaji = excluded.name_romaji,
      department_id = excluded.department_id, title = excluded.title, joined_on = excluded.joined_on,
      left_on = excluded.left_on, leave_reason_category = excluded.leave_reason_category,
      rehire_eligible = excluded.rehire_eligible,
      personal_email = coalesce(excluded.personal_email, e.personal_email),
      contact_consent = e.contact_consent or excluded.contact_consent,
      updated_at = now()
    WHERE (e.name, e.name_kana, e.name_romaji, e.department_id, e.title, e.joined_on, e.left_on, e.leave_reason_category,
           e.rehire_eligible, e.personal_email, e.contact_consent)
      IS DISTINCT FROM (excluded.name, excluded.name_kana, excluded.name_romaji, excluded.department_id, excluded.title,
           excluded.joined_on, excluded.left_on, excluded.leave_reason_category, excluded.rehire_eligible,
           coalesce(excluded.personal_email, e.personal_email), e.contact_consent or excluded.contact_consent)
    RETURNING (xmax = 0) AS inserted, e.user_id`)) as unknown as { rows: { inserted: boolean; user_id: string | null }[] };
  const returned = result.rows;
  const inserted = returned.filter((r) => r.inserted).length;
  // Members whose roster facts changed: their directory rows (years, departments) must follow.
  const changedUsers = new Set(returned.flatMap((r) => (r.user_id ? [r.user_id] : [])));
  const counts = { inserted, updated: returned.length - inserted, unchanged: people.length - returned.length, changedUserIds: [] as string[] };

  const periods = people.flatMap((p) =>
    p.periods.filter((x) => departmentIds.has(x.department)).map((x) => ({ n: p.entry.employeeNumber, d: departmentIds.get(x.department)!, from: x.fromOn, to: x.toOn })),
  );
  if (periods.length > 0) {
    const history = (await db.execute(sql`
      INSERT INTO roster_departments AS h (roster_entry_id, department_id, from_on, to_on)
      SELECT e.id, p.department_id, p.from_on, p.to_on
      FROM unnest(${pgArray(periods.map((x) => x.n))}::text[], ${pgArray(periods.map((x) => x.d))}::uuid[],
                  ${pgArray(periods.map((x) => x.from))}::date[], ${pgArray(periods.map((x) => x.to))}::date[])
           AS p(employee_number, department_id, from_on, to_on)
      JOIN roster_entries e ON e.employee_number = p.employee_number
      ON CONFLICT ON CONSTRAINT roster_departments_period_key DO UPDATE SET to_on = excluded.to_on
      WHERE h.to_on IS DISTINCT FROM excluded.to_on
      RETURNING (SELECT user_id FROM roster_entries WHERE id = h.roster_entry_id) AS user_id`)) as unknown as { rows: { user_id: string | null }[] };
    for (const r of history.rows) if (r.user_id) changedUsers.add(r.user_id);
  }
  counts.changedUserIds = [...changedUsers];
  return counts;
}

export async function getImport(db: Db, id: string): Promise<ImportRow | undefined> {
  const [row] = await db.select().from(rosterImports).where(eq(rosterImports.id, id)).limit(1);
  return row;
}

export async function rememberedMappings(db: Db): Promise<Record<string, RosterField>> {
  const rows = await db.select().from(rosterHeaderMappings);
  return Object.fromEntries(rows.map((r) => [r.header, r.field as RosterField]));
}

export async function rememberMappings(db: Db, pairs: { header: string; field: RosterField }[]): Promise<void> {
  if (pairs.length === 0) return;
  await db
    .insert(rosterHeaderMappings)
    .values(pairs.map((p) => ({ header: p.header, field: p.field })))
    .onConflictDoUpdate({ target: rosterHeaderMappings.header, set: { field: sql`excluded.field`, updatedAt: sql`now()` } });
}

export interface RosterListFilter {
  q?: string | undefined;
  after?: string | undefined;
  limit: number;
}

/** Roster entries by kana reading (五十音順), keyset-paginated on (kana, employee number). */
export async function listRoster(db: Db, f: RosterListFilter) {
  const e = rosterEntries;
  const where: SQL[] = [];
  if (f.q) {
    // Readings are stored as the HR file had them (hiragana, katakana, half-width kana):
    // search every form of the query, so やまだ, ヤマダ and ﾔﾏﾀﾞ find the same person.
    const variants = kanaVariants(f.q);
    const likes = variants.map((v) => `%${v.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    where.push(
      or(...likes.flatMap((like) => [ilike(e.name, like), ilike(e.nameKana, like), ilike(e.employeeNumber, like), ilike(e.nameRomaji, like)]))!,
    );
  }
  if (f.after) where.push(sql`(coalesce(${e.nameKana}, ''), ${e.employeeNumber}) > (${f.after.split('\u0000')[0] ?? ''}, ${f.after.split('\u0000')[1] ?? ''})`);
  return db
    .select({
      id: e.id,
      employeeNumber: e.employeeNumber,
      name: e.name,
      nameKana: e.nameKana,
      department: departments.nameJa,
      title: e.title,
      joinedOn: e.joinedOn,
      leftOn: e.leftOn,
      rehireEligible: e.rehireEligible,
      contactConsent: e.contactConsent,
      hasEmail: sql<boolean>`${e.personalEmail} is not null`,
    })
    .from(e)
    .leftJoin(departments, eq(departments.id, e.departmentId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(sql`coalesce(${e.nameKana}, '')`, asc(e.employeeNumber))
    .limit(f.limit);
}

/** The query as typed, NFKC-normalised, in hiragana and in katakana (distinct values). */
export function kanaVariants(q: string): string[] {
  const n = q.normalize('NFKC').trim();
  const hira = n.replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60));
  const kata = n.replace(/[\u3041-\u3096]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x60));
  return [...new Set([q.trim(), n, hira, kata])].filter(Boolean);
}

export async function countRoster(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(rosterEntries);
  return row?.n ?? 0;
}

/** Every roster entry for an export, in employee-number order, streamed in pages. */
export async function* rosterForExport(db: Db, pageSize = 2000) {
  const e = rosterEntries;
  let after = '';
  for (;;) {
    const rows = await db
      .select({
        employeeNumber: e.employeeNumber,
        name: e.name,
        nameKana: e.nameKana,
        nameRomaji: e.nameRomaji,
        department: departments.nameJa,
        title: e.title,
        joinedOn: e.joinedOn,
        leftOn: e.leftOn,
        leaveReasonCategory: e.leaveReasonCategory,
        rehireEligible: e.rehireEligible,
        personalEmail: e.personalEmail,
        contactConsent: e.contactConsent,
      })
      .from(e)
      .leftJoin(departments, eq(departments.id, e.departmentId))
      .where(sql`${e.employeeNumber} > ${after}`)
      .orderBy(asc(e.employeeNumber))
      .limit(pageSize);
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.employeeNumber;
  }
}
