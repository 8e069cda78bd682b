/**
 * Filter values as pieces of the search GIN index. A text search with a filter (法務 and
 * left 2000–2010) is then one GIN scan that intersects both, instead of the planner picking
 * a btree for the filter and reading every row it gives to check the text. Tokens start with
 * U+0001, which folded search text never contains, so no typed query can match one.
 */
const T = '\u0001';

export const token = {
  department: (id: string) => `${T}d:${id}`,
  leftYear: (year: number) => `${T}y:${year}`,
  industry: (code: string) => `${T}i:${code}`,
  country: (code: string) => `${T}c:${code}`,
  prefecture: (code: string) => `${T}p:${code}`,
  skill: (folded: string) => `${T}s:${folded}`,
  want: (want: string) => `${T}w:${want}`,
};

export function filterTokens(f: {
  departmentIds: string[];
  leftYear: number | null;
  industry: string | null;
  country: string | null;
  prefecture: string | null;
  skills: string[];
  wants: string[];
}): string[] {
  const out = new Set<string>();
  for (const id of f.departmentIds) out.add(token.department(id));
  if (f.leftYear !== null) out.add(token.leftYear(f.leftYear));
  if (f.industry) out.add(token.industry(f.industry));
  if (f.country) out.add(token.country(f.country));
  if (f.prefecture) out.add(token.prefecture(f.prefecture));
  for (const s of f.skills) out.add(token.skill(s));
  for (const w of f.wants) out.add(token.want(w));
  return [...out];
}

/** The leave years a range covers, as tokens (an open end stops at 1950 or next year). */
export function leftYearTokens(from: number | undefined, to: number | undefined, now = new Date()): string[] {
  const first = Math.max(1950, from ?? 1950);
  const last = Math.min(now.getUTCFullYear() + 1, to ?? now.getUTCFullYear() + 1);
  const out: string[] = [];
  for (let y = first; y <= last; y++) out.push(token.leftYear(y));
  return out;
}
