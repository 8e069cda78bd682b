import { describe, expect, it } from 'vitest';
import { parseSource, sourceOf, splitSource, withSource } from './attribution.ts';

const ID = '0b6f0f1e-8f55-4c1e-9a6b-1f0f7c1d2e3a';

describe('attribution', () => {
  it('keeps only <kind>:<uuid> and <kind>:-', () => {
    expect(parseSource(`newsletter:${ID}`)).toBe(`newsletter:${ID}`);
    expect(parseSource(` POST:${ID.toUpperCase()} `)).toBe(`post:${ID}`);
    expect(parseSource('home:-')).toBe('home:-');
    for (const bad of ['', 'newsletter', `evil:${ID}`, `newsletter:${ID}x`, 'post:1', '<script>', null, 42, `event:${ID};drop`]) {
      expect(parseSource(bad), String(bad)).toBeNull();
    }
    expect(splitSource(sourceOf('event', ID))).toEqual({ kind: 'event', id: ID });
    expect(splitSource('home:-')).toEqual({ kind: 'home', id: null });
    expect(splitSource('nonsense')).toBeNull();
  });

  it('tags links inside the network only, and never overwrites a source', () => {
    const base = 'https://alumni.example.com';
    expect(withSource('https://alumni.example.com/opportunities/1?x=1#top', `newsletter:${ID}`, base)).toBe(
      `https://alumni.example.com/opportunities/1?x=1&src=newsletter%3A${ID}#top`,
    );
    expect(withSource('/events/2', `newsletter:${ID}`, base)).toBe(`/events/2?src=newsletter%3A${ID}`);
    expect(withSource('https://other.example.org/page', `newsletter:${ID}`, base)).toBe('https://other.example.org/page');
    expect(withSource('/events/2?src=post:-', `newsletter:${ID}`, base)).toBe('/events/2?src=post:-');
  });
});
