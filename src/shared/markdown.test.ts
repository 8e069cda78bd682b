import { describe, expect, it } from 'vitest';
import { excerpt, markdownToText, renderMarkdown } from './markdown.ts';

describe('renderMarkdown', () => {
  it('renders Markdown and never passes raw HTML through', () => {
    const html = renderMarkdown('# 見出し\n\n**太字** <script>alert(1)</script> <img src=x onerror=alert(1)>');
    expect(html).toContain('<h3>見出し</h3>');
    expect(html).toContain('<strong>太字</strong>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
  });

  it('keeps only http(s), mailto and local links, with rel attributes', () => {
    const html = renderMarkdown('[a](javascript:alert(1)) [b](https://example.com) [c](data:text/html,x) [d](/events) [e](mailto:a@example.com)');
    expect(html).not.toMatch(/href="(javascript|data):/);
    expect(html).toContain('<a href="https://example.com" rel="nofollow noopener noreferrer ugc">b</a>');
    expect(html).toContain('href="/events"');
    expect(html).toContain('href="mailto:a@example.com"');
  });

  it('turns images into links (no remote images that would track readers)', () => {
    const html = renderMarkdown('![ロゴ](https://example.com/logo.png) ![x](javascript:alert(1))');
    expect(html).not.toContain('<img');
    expect(html).toContain('<a href="https://example.com/logo.png" rel="nofollow noopener noreferrer ugc">ロゴ</a>');
    expect(html).not.toMatch(/href="javascript:/);
  });

  it('source: links to the network\'s own pages carry it, links elsewhere never do', () => {
    const id = '0b6f0f1e-8f55-4c1e-9a6b-1f0f7c1d2e3a';
    const html = renderMarkdown('[募集](/opportunities/1) [既存](/events/2?src=home:-) [外部](https://example.com/a) [相対](//evil.example/x)', { source: `post:${id}` });
    expect(html).toContain(`href="/opportunities/1?src=post%3A${id}"`);
    expect(html).toContain('href="/events/2?src=home:-"');
    expect(html).toContain('href="https://example.com/a"');
    expect(html).not.toContain('evil.example/x?src');
    expect(renderMarkdown('[募集](/opportunities/1)')).toContain('href="/opportunities/1"');
  });

  it('headingsFrom: the shallowest heading takes that level, deeper ones keep their distance', () => {
    expect(renderMarkdown('## 内容\n\n### 詳細')).toBe('<h4>内容</h4>\n<h5>詳細</h5>\n');
    expect(renderMarkdown('## 内容\n\n### 詳細\n\n###### 末尾', { headingsFrom: 3 })).toBe('<h3>内容</h3>\n<h4>詳細</h4>\n<h6>末尾</h6>\n');
    expect(renderMarkdown('# 内容', { headingsFrom: 3 })).toBe('<h3>内容</h3>\n');
    expect(renderMarkdown('本文だけ', { headingsFrom: 3 })).toBe('<p>本文だけ</p>\n');
  });
});

describe('markdownToText', () => {
  it('keeps the words and link targets, drops the markup', () => {
    const text = markdownToText('## 新サービス\n\n**営業部**の[発表](https://example.com/a)です。\n\n- 一つ目\n- 二つ目\n\n<b>tag</b>');
    expect(text).toBe('新サービス\n\n営業部の発表 (https://example.com/a)です。\n\n・一つ目\n・二つ目\n\n<b>tag</b>');
  });

  it('excerpt cuts by characters, not bytes', () => {
    expect(excerpt('あ'.repeat(200), 10)).toBe(`${'あ'.repeat(9)}…`);
    expect(excerpt('短い', 10)).toBe('短い');
  });
});
