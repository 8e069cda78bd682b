/** Mentions: resolving @names (longest first, with or without the space) and linking them in sanitised HTML only. */
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../shared/markdown.ts';
import { linkMentions, resolveMentions } from './mentions.ts';

const hanako = { userId: 'u-hanako', name: '山田 花子' };
const yamada = { userId: 'u-yamada', name: '山田' };
const tom = { userId: 'u-tom', name: 'Tom <b>&"' };

describe('resolveMentions', () => {
  it('takes the longest name, with or without its space, with @ or ＠, each member once', () => {
    expect(resolveMentions('@山田 花子 さん', [yamada, hanako])).toEqual(['u-hanako']);
    expect(resolveMentions('＠山田花子さん', [yamada, hanako])).toEqual(['u-hanako']);
    expect(resolveMentions('@山田 さんと @山田 花子 さん、@山田花子', [yamada, hanako])).toEqual(['u-yamada', 'u-hanako']);
    expect(resolveMentions('山田 花子 さん (no @)', [hanako])).toEqual([]);
    expect(resolveMentions('mail me: a@example.com', [hanako, yamada])).toEqual([]);
  });
});

describe('linkMentions', () => {
  it('links names in text, escaped as markdown-it escapes them, and leaves code, links and attributes alone', () => {
    const html = renderMarkdown('@山田 花子 さん\n\n`@山田 花子` [@山田 花子](https://example.com) @Tom <b>&"');
    const out = linkMentions(html, [yamada, hanako, tom]);
    expect(out).toContain('<a class="mention" href="/members/u-hanako">@山田 花子</a> さん');
    expect(out).toContain('<code>@山田 花子</code>');
    expect(out).toContain('<a href="https://example.com" rel="nofollow noopener noreferrer ugc">@山田 花子</a>');
    expect(out).toContain('<a class="mention" href="/members/u-tom">@Tom &lt;b&gt;&amp;&quot;</a>');
    expect(out).not.toContain('<b>');
  });

  it('changes nothing without mentions', () => {
    const html = renderMarkdown('**太字** @誰か');
    expect(linkMentions(html, [])).toBe(html);
    expect(linkMentions(html, [hanako])).toBe(html);
  });
});
