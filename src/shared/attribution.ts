/**
 * Attribution: where a person came from, carried by the link as `?src=<kind>:<id>` (a newsletter's
 * redirect adds `src=newsletter:<id>`; pages that list posts, events and opportunities add theirs),
 * kept through the forms that follow as a hidden field, and stored on what the person then creates
 * (an application, a referral, a request, feedback, an event registration), so analytics can say
 * which activity led to which outcome. Only this shape is ever stored: anything else is dropped.
 */
export const SOURCE_KINDS = ['newsletter', 'post', 'event', 'opportunity', 'group', 'home', 'directory'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

const PATTERN = /^(newsletter|post|event|opportunity|group|home|directory):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|-)$/;

/** The normalised source, or null for anything that is not `<kind>:<uuid>` (or `<kind>:-` for pages without an id). */
export function parseSource(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  return v.length <= 60 && PATTERN.test(v) ? v : null;
}

export function sourceOf(kind: SourceKind, id?: string): string {
  return `${kind}:${id ?? '-'}`;
}

/** Splits a stored source for reports: `{ kind, id }` (id null for `<kind>:-`). */
export function splitSource(source: string | null): { kind: SourceKind; id: string | null } | null {
  const v = parseSource(source);
  if (!v) return null;
  const [kind, id] = v.split(':') as [SourceKind, string];
  return { kind, id: id === '-' ? null : id };
}

/**
 * Adds `src` to a link inside the network (same origin as `baseUrl`, or a path), keeping any
 * `src` it already has; links elsewhere are returned unchanged (no tracking parameters leave the network).
 */
export function withSource(url: string, source: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  let u: URL;
  try {
    u = new URL(url, base);
  } catch {
    return url;
  }
  if (u.origin !== base.origin || u.searchParams.has('src')) return url;
  u.searchParams.set('src', source);
  return url.startsWith('/') ? `${u.pathname}${u.search}${u.hash}` : u.toString();
}
