/**
 * Matching a self sign-up against the HR roster: pure functions, no database.
 *
 * Each roster candidate gets points for every fact that agrees with what the person told
 * us; a request is verified automatically only on a STRONG match (two independent
 * identifying facts that agree) with exactly one candidate at that level. Everything else
 * is left to a person in the review queue: a false "yes" would let a stranger read
 * members' data, a false "no" only costs a reviewer a minute.
 */
import { toHiragana } from '../../shared/search.ts';

/** Points per agreeing fact (see `scoreCandidate`). */
export const POINTS = {
  employeeNumber: 50,
  name: 30,
  kana: 20,
  leaveYear: 10,
  joinYear: 5,
  department: 5,
} as const;

/** Years may be off by this much (people remember fiscal years, or the year they gave notice). */
export const YEAR_TOLERANCE = 1;

export type MatchFact = keyof typeof POINTS;

/** What the person typed at sign-up (or later, when asked for more). */
export interface RequestFacts {
  name: string;
  nameKana: string | null;
  joinYear: number | null;
  leaveYear: number | null;
  department: string | null;
  employeeNumber: string | null;
}

/** A roster entry as the matcher sees it. */
export interface CandidateFacts {
  id: string;
  employeeNumber: string;
  name: string;
  nameKana: string | null;
  joinedOn: string | null;
  leftOn: string | null;
  /** The entry's department and every department in its history (Japanese and English names). */
  departments: string[];
  contactStatus: string;
}

export interface ScoredCandidate<C extends CandidateFacts = CandidateFacts> {
  candidate: C;
  score: number;
  facts: Record<MatchFact, boolean>;
  /** Two identifying facts agree: employee number + name, or name + kana + leave year. */
  strong: boolean;
}

const SEPARATORS = /[\s\u3000・·･.,、。()（）「」'’"-]/g;

/** NFKC (full-width letters and half-width kana become standard), no spaces or dots, lower case. */
export function normaliseName(value: string | null | undefined): string {
  return (value ?? '').normalize('NFKC').replace(SEPARATORS, '').toLowerCase();
}


/** A reading normalised for comparison: NFKC, no separators, hiragana. */
export function normaliseKana(value: string | null | undefined): string {
  return toHiragana(normaliseName(value));
}

/** Employee numbers: NFKC, no separators, upper case; leading zeros are significant (HR systems keep them). */
export function normaliseEmployeeNumber(value: string | null | undefined): string {
  return (value ?? '').normalize('NFKC').replace(SEPARATORS, '').toUpperCase();
}

/** The year of an ISO date (YYYY-MM-DD), or null. */
export function yearOf(date: string | null): number | null {
  const y = date ? Number.parseInt(date.slice(0, 4), 10) : Number.NaN;
  return Number.isFinite(y) ? y : null;
}

function departmentMatches(typed: string | null, names: string[]): boolean {
  const t = normaliseName(typed);
  if (t.length < 2) return false;
  return names.some((n) => {
    const d = normaliseName(n);
    // Containment either way: 営業 ⊂ 営業部, 営業部 ⊂ 第一営業部.
    return d.length >= 2 && (d === t || d.includes(t) || t.includes(d));
  });
}

const near = (a: number | null, b: number | null) => a !== null && b !== null && Math.abs(a - b) <= YEAR_TOLERANCE;

/** Which facts agree, the points, and whether this alone would be a strong match. */
export function scoreCandidate<C extends CandidateFacts>(req: RequestFacts, c: C): ScoredCandidate<C> {
  const number = normaliseEmployeeNumber(req.employeeNumber);
  const name = normaliseName(req.name);
  const kana = normaliseKana(req.nameKana);
  const facts: Record<MatchFact, boolean> = {
    employeeNumber: number.length > 0 && number === normaliseEmployeeNumber(c.employeeNumber),
    name: name.length > 0 && name === normaliseName(c.name),
    kana: kana.length > 0 && kana === normaliseKana(c.nameKana),
    leaveYear: near(req.leaveYear, yearOf(c.leftOn)),
    joinYear: near(req.joinYear, yearOf(c.joinedOn)),
    department: departmentMatches(req.department, c.departments),
  };
  const score = (Object.keys(POINTS) as MatchFact[]).reduce((sum, f) => sum + (facts[f] ? POINTS[f] : 0), 0);
  const strong = (facts.employeeNumber && facts.name) || (facts.name && facts.kana && facts.leaveYear);
  return { candidate: c, score, facts, strong };
}

export type MatchDecision<C extends CandidateFacts> =
  | { kind: 'auto'; match: ScoredCandidate<C>; ranked: ScoredCandidate<C>[] }
  | { kind: 'review'; reason: 'none' | 'weak' | 'ambiguous' | 'not_contactable'; ranked: ScoredCandidate<C>[] };

/**
 * Ranks candidates (best first) and decides: automatic verification only when exactly one
 * candidate is a strong match and, unless the employee number agrees, no other candidate
 * has the same name. A roster entry marked deceased is never matched
 * automatically (someone signing up as a deceased colleague needs a human look).
 */
export function decide<C extends CandidateFacts>(req: RequestFacts, candidates: C[]): MatchDecision<C> {
  const ranked = candidates
    .map((c) => scoreCandidate(req, c))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.candidate.employeeNumber.localeCompare(b.candidate.employeeNumber));
  if (ranked.length === 0) return { kind: 'review', reason: 'none', ranked };
  const strong = ranked.filter((s) => s.strong);
  if (strong.length === 0) return { kind: 'review', reason: 'weak', ranked };
  if (strong.length > 1) return { kind: 'review', reason: 'ambiguous', ranked };
  const match = strong[0]!;
  // Without the employee number, a namesake on the roster (even with other years) means a person must look.
  if (!match.facts.employeeNumber && ranked.some((s) => s !== match && s.facts.name)) return { kind: 'review', reason: 'ambiguous', ranked };
  if (match.candidate.contactStatus === 'deceased') return { kind: 'review', reason: 'not_contactable', ranked };
  return { kind: 'auto', match, ranked };
}
