/**
 * Markdown written by members and operators (news posts, comments, newsletter introductions),
 * rendered safely: markdown-it with raw HTML off (every `<` typed is shown as text, never
 * parsed), links only to http(s) and mailto, no images from elsewhere (an image in Markdown
 * becomes a plain link: remote images would track readers), and every link opens with
 * rel="nofollow noopener noreferrer ugc". The output is a string of HTML to embed with
 * `raw()` — the only HTML Kizuna trusts from users, because nothing in it came through
 * unescaped.
 */
import { withSource } from './attribution.ts';
import MarkdownIt from 'markdown-it';

const SAFE_LINK = /^(https?:|mailto:)/i;

function create(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
  md.validateLink = (url) => SAFE_LINK.test(url.trim()) || /^[/#]/.test(url.trim());
  md.renderer.rules.image = (tokens, idx) => {
    const token = tokens[idx]!;
    const src = token.attrGet('src') ?? '';
    const alt = md.utils.escapeHtml(token.content || src);
    return SAFE_LINK.test(src) ? `<a href="${md.utils.escapeHtml(src)}" rel="nofollow noopener noreferrer ugc">${alt}</a>` : alt;
  };
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env: RenderEnv, self) => {
    const href = tokens[idx]!.attrGet('href') ?? '';
    // A link to a page of the network carries where the reader came from (attribution).
    if (env.source && href.startsWith('/') && !href.startsWith('//')) tokens[idx]!.attrSet('href', withSource(href, env.source, LOCAL));
    tokens[idx]!.attrSet('rel', 'nofollow noopener noreferrer ugc');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  // Headings inside a post start at level 3: the page owns h1 and h2. With `headingsFrom`, the
  // text's shallowest heading takes that level instead (a description under the page's h2 whose
  // author started at `##` would otherwise skip a level).
  const level = (tokens: { tag: string; type: string }[], idx: number, env: RenderEnv) => {
    const own = Number(tokens[idx]!.tag.slice(1));
    if (!env.headingsFrom) return Math.min(6, own + 2);
    env.shallowest ??= Math.min(...tokens.filter((t) => t.type === 'heading_open').map((t) => Number(t.tag.slice(1))));
    return Math.min(6, own - env.shallowest + env.headingsFrom);
  };
  md.renderer.rules.heading_open = (tokens, idx, _options, env: RenderEnv) => `<h${level(tokens, idx, env)}>`;
  md.renderer.rules.heading_close = (tokens, idx, _options, env: RenderEnv) => `</h${level(tokens, idx, env)}>\n`;
  return md;
}

interface RenderEnv {
  headingsFrom?: number;
  /** `src` for links to the network's own pages (shared/attribution.ts), e.g. `post:<id>`. */
  source?: string;
  shallowest?: number;
}

/** Any origin: only paths are tagged, and a path keeps its own form. */
const LOCAL = 'http://kizuna.invalid';

const md = create();

/**
 * Markdown → sanitised HTML; `headingsFrom` (3–6): the level of the text's shallowest heading (default: `#` is h3);
 * `source`: the attribution links to the network's own pages carry (`?src=`).
 */
export function renderMarkdown(source: string, opts: { headingsFrom?: number; source?: string } = {}): string {
  const env: RenderEnv = {};
  if (opts.headingsFrom) env.headingsFrom = opts.headingsFrom;
  if (opts.source) env.source = opts.source;
  return md.render(source, env);
}

/**
 * Markdown → plain text for e-mail text parts and previews: the words and the link targets,
 * without markup characters.
 */
export function markdownToText(source: string): string {
  const out: string[] = [];
  for (const block of md.parse(source, {})) {
    if (block.type === 'inline') {
      const children = block.children ?? [];
      let text = '';
      for (let i = 0; i < children.length; i++) {
        const t = children[i]!;
        if (t.type === 'link_open') {
          // The link's words, then its target when the words are not the target itself.
          const href = t.attrGet('href') ?? '';
          let label = '';
          let j = i + 1;
          for (; j < children.length && children[j]!.type !== 'link_close'; j++) label += children[j]!.content;
          text += label && label !== href && label !== href.replace(/^mailto:/, '') ? `${label} (${href})` : href;
          i = j;
        } else if (t.type === 'softbreak' || t.type === 'hardbreak') text += '\n';
        else text += t.content;
      }
      out.push(text);
    } else if (block.type === 'fence' || block.type === 'code_block') out.push(`${block.content.replace(/\n$/, '')}\n\n`);
    else if (block.type === 'list_item_open') out.push('・');
    else if (block.type === 'list_item_close') out.push('\n');
    else if (block.type === 'paragraph_close' || block.type === 'heading_close') out.push(block.hidden ? '' : '\n\n');
    else if (block.type === 'bullet_list_close' || block.type === 'ordered_list_close') out.push('\n');
  }
  return out
    .join('')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The first characters of a Markdown text as plain text (cards, e-mail teasers). */
export function excerpt(source: string, max = 140): string {
  const text = markdownToText(source).replace(/\s+/g, ' ').trim();
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
