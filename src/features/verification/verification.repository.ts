/** Queries for sign-up requests and their roster candidates. No authorisation here: see the service. */
import { and, asc, desc, eq, inArray, isNull, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { departments, rosterEntries, signupRequests, users } from '../../db/schema.ts';
import { normaliseEmployeeNumber, normaliseKana, normaliseName, type RequestFacts } from './verification.match.ts';

export type SignupRequestRow = typeof signupRequests.$inferSelect;
export type RequestState = SignupRequestRow['state'];

/** Requests a reviewer can still decide. */
export const OPEN_STATES: readonly RequestState[] = ['pending', 'more_info'];

export async function insertRequest(db: Db, values: typeof signupRequests.$inferInsert): Promise<SignupRequestRow> {
  const [row] = await db.insert(signupRequests).values(values).returning();
  return row!;
}

/** The account fields the feature needs. */
export async function userById(db: Db, id: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale, status: users.status, emailVerified: users.emailVerified })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row;
}

/** A pending account that has no request yet (a new sign-up), or undefined. */
export async function pendingUserWithoutRequest(db: Db, id: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.id, id), eq(users.status, 'pending'), sql`not exists (select 1 from ${signupRequests} where ${signupRequests.userId} = ${users.id})`))
    .limit(1);
  return row;
}

/** The person's latest request, if any. */
export async function requestOfUser(db: Db, userId: string): Promise<SignupRequestRow | undefined> {
  const [row] = await db.select().from(signupRequests).where(eq(signupRequests.userId, userId)).orderBy(desc(signupRequests.createdAt)).limit(1);
  return row;
}

/** A request with the account it belongs to. */
export async function requestWithUser(db: Db, id: string) {
  const [row] = await db
    .select({
      request: signupRequests,
      user: { id: users.id, email: users.email, name: users.name, locale: users.locale, status: users.status, emailVerified: users.emailVerified },
    })
    .from(signupRequests)
    .innerJoin(users, eq(users.id, signupRequests.userId))
    .where(eq(signupRequests.id, id))
    .limit(1);
  return row;
}

/**
 * Requests in the given states, oldest first (first come, first served). Only accounts
 * whose e-mail address is confirmed: until then the request is not really submitted.
 */
export async function listRequests(db: Db, states: readonly RequestState[], limit: number) {
  const where = and(inArray(signupRequests.state, [...states]), eq(users.emailVerified, true));
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: signupRequests.id,
        name: signupRequests.name,
        nameKana: signupRequests.nameKana,
        email: users.email,
        state: signupRequests.state,
        matchScore: signupRequests.matchScore,
        createdAt: signupRequests.createdAt,
        updatedAt: signupRequests.updatedAt,
      })
      .from(signupRequests)
      .innerJoin(users, eq(users.id, signupRequests.userId))
      .where(where)
      .orderBy(asc(signupRequests.createdAt), asc(signupRequests.id))
      .limit(limit),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(signupRequests)
      .innerJoin(users, eq(users.id, signupRequests.userId))
      .where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

// ---------------------------------------------------------------- roster candidates

/** The same normalisation as verification.match.ts, in SQL (NFKC, separators removed). */
const SEPARATORS_RE = `[[:space:]\u3000・·･.,、。()（）「」'’"-]`;
const KATAKANA = Array.from({ length: 0x30f6 - 0x30a1 + 1 }, (_, i) => String.fromCharCode(0x30a1 + i)).join('');
const HIRAGANA = Array.from({ length: 0x30f6 - 0x30a1 + 1 }, (_, i) => String.fromCharCode(0x3041 + i)).join('');

const normName = (col: SQLWrapper) => sql`lower(regexp_replace(normalize(coalesce(${col}, ''), NFKC), ${SEPARATORS_RE}, '', 'g'))`;
const normKana = (col: SQLWrapper) => sql`translate(${normName(col)}, ${KATAKANA}, ${HIRAGANA})`;
const normNumber = (col: SQLWrapper) => sql`upper(regexp_replace(normalize(coalesce(${col}, ''), NFKC), ${SEPARATORS_RE}, '', 'g'))`;

const candidateColumns = {
  id: rosterEntries.id,
  employeeNumber: rosterEntries.employeeNumber,
  name: rosterEntries.name,
  nameKana: rosterEntries.nameKana,
  department: departments.nameJa,
  departmentEn: departments.nameEn,
  title: rosterEntries.title,
  joinedOn: rosterEntries.joinedOn,
  leftOn: rosterEntries.leftOn,
  leaveReasonCategory: rosterEntries.leaveReasonCategory,
  rehireEligible: rosterEntries.rehireEligible,
  contactStatus: rosterEntries.contactStatus,
  userId: rosterEntries.userId,
  /** Department names from the entry's history (roster_departments), Japanese and English. */
  history: sql<string[] | null>`(select array_agg(d2.name_ja || chr(31) || d2.name_en) from roster_departments rd
      join departments d2 on d2.id = rd.department_id where rd.roster_entry_id = ${rosterEntries.id})`,
};

export interface CandidateRow {
  id: string;
  employeeNumber: string;
  name: string;
  nameKana: string | null;
  department: string | null;
  departmentEn: string | null;
  title: string | null;
  joinedOn: string | null;
  leftOn: string | null;
  leaveReasonCategory: string | null;
  rehireEligible: 'yes' | 'no' | 'unknown';
  contactStatus: string;
  userId: string | null;
  /** Every department name the entry is known by (current and history, both languages). */
  departments: string[];
}

function toCandidate(row: Omit<CandidateRow, 'departments'> & { history: string[] | null }): CandidateRow {
  const { history, ...rest } = row;
  const names = [row.department, row.departmentEn, ...(history ?? []).flatMap((h) => h.split('\u001f'))].filter((n): n is string => Boolean(n));
  return { ...rest, departments: [...new Set(names)] };
}

/**
 * Roster entries not yet linked to an account that share the employee number, the name or
 * the reading with the request (compared normalised, see verification.match.ts). Scoring
 * and the decision happen in `decide()`; this only narrows 100,000 entries to a handful.
 */
export async function candidatesFor(db: Db, req: RequestFacts, limit = 50): Promise<CandidateRow[]> {
  const number = normaliseEmployeeNumber(req.employeeNumber);
  const name = normaliseName(req.name);
  const kana = normaliseKana(req.nameKana);
  const any: SQL[] = [];
  if (number) any.push(sql`${normNumber(rosterEntries.employeeNumber)} = ${number}`);
  if (name) any.push(sql`${normName(rosterEntries.name)} = ${name}`);
  if (kana) any.push(sql`${normKana(rosterEntries.nameKana)} = ${kana}`);
  if (any.length === 0) return [];
  const rows = await db
    .select(candidateColumns)
    .from(rosterEntries)
    .leftJoin(departments, eq(departments.id, rosterEntries.departmentId))
    .where(and(isNull(rosterEntries.userId), sql`(${sql.join(any, sql` or `)})`))
    .orderBy(asc(rosterEntries.employeeNumber))
    .limit(limit);
  return rows.map(toCandidate);
}

/** One roster entry as a candidate (e.g. the one an approved request was linked to). */
export async function candidateById(db: Db, id: string): Promise<CandidateRow | undefined> {
  const [row] = await db
    .select(candidateColumns)
    .from(rosterEntries)
    .leftJoin(departments, eq(departments.id, rosterEntries.departmentId))
    .where(eq(rosterEntries.id, id))
    .limit(1);
  return row ? toCandidate(row) : undefined;
}

/** Links an entry to an account unless it is linked already; true when it was linked now. */
export async function linkEntry(db: Db, entryId: string, userId: string): Promise<boolean> {
  const rows = await db
    .update(rosterEntries)
    .set({ userId, updatedAt: new Date() })
    .where(and(eq(rosterEntries.id, entryId), isNull(rosterEntries.userId)))
    .returning({ id: rosterEntries.id });
  return rows.length > 0;
}

/** pending → active (a suspended account stays suspended). */
export async function activateUser(db: Db, userId: string): Promise<void> {
  await db
    .update(users)
    .set({ status: 'active', updatedAt: new Date() })
    .where(and(eq(users.id, userId), eq(users.status, 'pending')));
}

/** Updates a request still 'pending' (automatic matching); undefined when it moved on meanwhile. */
export async function scoreRequest(db: Db, id: string, set: Partial<typeof signupRequests.$inferInsert>): Promise<SignupRequestRow | undefined> {
  const [row] = await db
    .update(signupRequests)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(signupRequests.id, id), eq(signupRequests.state, 'pending')))
    .returning();
  return row;
}

/** Moves an open request to a new state; undefined when it was no longer open (decided meanwhile). */
export async function moveOpenRequest(db: Db, id: string, set: Partial<typeof signupRequests.$inferInsert>): Promise<SignupRequestRow | undefined> {
  const [row] = await db
    .update(signupRequests)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(signupRequests.id, id), inArray(signupRequests.state, [...OPEN_STATES])))
    .returning();
  return row;
}
