/**
 * Mentions in group posts: `@山田 花子` (or `@山田花子`, or with a full-width ＠) names an active
 * member of the group. Names are matched longest first, so `@山田 花子` is 山田 花子 even when a
 * 山田 is also a member. The rendered post links each stored mention to the member's profile;
 * the link is added to the sanitised HTML's text only (never inside code, links or tags), with
 * the name escaped as markdown-it escapes it, so nothing a member typed becomes markup.
 */

export interface Mentionable {
  userId: string;
  name: string;
}

const AT = /[@＠]/g;

/** The forms of a name one may type after @: as written, and without its spaces. */
function forms(name: string): string[] {
  const trimmed = name.trim();
  const joined = trimmed.replace(/\s+/g, '');
  return [...new Set([trimmed, joined])].filter((f) => f.length > 0);
}

/** The members mentioned in `text` (each once, in order of first mention). */
export function resolveMentions(text: string, members: readonly Mentionable[]): string[] {
  const candidates = members.flatMap((m) => forms(m.name).map((form) => ({ form, userId: m.userId }))).sort((a, b) => b.form.length - a.form.length);
  const found: string[] = [];
  for (const match of text.matchAll(AT)) {
    const at = match.index + match[0].length;
    const hit = candidates.find((c) => text.startsWith(c.form, at));
    if (hit && !found.includes(hit.userId)) found.push(hit.userId);
  }
  return found;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Links the mentions of `members` in HTML produced by renderMarkdown: text outside tags and
 * outside `<a>`, `<code>` and `<pre>` only. Longest names first, as when resolving.
 */
export function linkMentions(html: string, members: readonly Mentionable[]): string {
  if (!members.length) return html;
  const candidates = members
    .flatMap((m) => forms(m.name).map((form) => ({ text: escapeHtml(form), href: `/members/${encodeURIComponent(m.userId)}` })))
    .sort((a, b) => b.text.length - a.text.length);
  let skipDepth = 0;
  return html
    .split(/(<[^>]*>)/)
    .map((part) => {
      if (part.startsWith('<')) {
        const tag = /^<(\/?)(a|code|pre)\b/i.exec(part);
        if (tag) skipDepth = Math.max(0, skipDepth + (tag[1] ? -1 : 1));
        return part;
      }
      if (skipDepth > 0 || !/[@＠]/.test(part)) return part;
      let out = '';
      let i = 0;
      while (i < part.length) {
        const ch = part[i]!;
        if (ch === '@' || ch === '＠') {
          const hit = candidates.find((c) => part.startsWith(c.text, i + 1));
          if (hit) {
            out += `<a class="mention" href="${hit.href}">${ch}${hit.text}</a>`;
            i += 1 + hit.text.length;
            continue;
          }
        }
        out += ch;
        i++;
      }
      return out;
    })
    .join('');
}
