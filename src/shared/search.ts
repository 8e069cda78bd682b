/**
 * Japanese-aware text folding for search: one normal form for 山田 / やまだ / ヤマダ /
 * ﾔﾏﾀﾞ / Yamada / ＹＡＭＡＤＡ, the Hepburn romaji of a kana reading, and the
 * two-character pieces that let a GIN index serve 2-character queries (営業) which
 * trigrams cannot.
 */
import { hepburn } from './romaji.ts';

/** Katakana → hiragana (ァ–ヶ are ぁ–ゖ shifted by 0x60); the long-vowel mark ー is kept. */
export function toHiragana(value: string): string {
  return value.replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60));
}

/** NFKC (full-width letters and half-width kana become standard), lower case, hiragana, single spaces. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is matched here
const INVISIBLE = /[\u0000-\u001f\u007f\u200b-\u200d\u2060\ufeff]/g;

export function fold(value: string | null | undefined): string {
  if (!value) return '';
  return toHiragana(value.replace(INVISIBLE, ' ').normalize('NFKC').toLowerCase())
    .replace(/[\s\u3000]+/g, ' ')
    .trim();
}

/** Hepburn romaji of a kana reading as written (やまだ はなこ → "yamada hanako", さとう → "satou"). */
export function kanaToRomaji(kana: string): string {
  return hepburn(fold(kana), { longVowels: 'written' });
}

/** The romaji forms a reading is searched by: as written (satou, yuuki) and passport style (sato, yuki). */
export function romajiForms(kana: string): string[] {
  const folded = fold(kana);
  return [...new Set([hepburn(folded, { longVowels: 'written' }), hepburn(folded, { longVowels: 'passport' })])];
}

/** Longest word prefix kept as a piece: longer Latin queries are matched on their first 24 letters, then checked in the text. */
export const MAX_PREFIX = 24;

export const isAscii = (term: string): boolean => !/[^ -~]/.test(term);

/**
 * The pieces a GIN index serves queries from: every two-character piece of each word
 * (spaces never inside a piece), every single non-ASCII character (a kanji or kana alone is
 * a real query: 堤, 林), and every prefix of 3+ letters of each Latin word (or Latin run
 * inside a word), so that
 * "engin" or "tanaka" is one index lookup (common trigrams such as "eng" make a trigram
 * search of English words slow on a large directory).
 */
export function bigrams(values: readonly string[]): string[] {
  const set = new Set<string>();
  for (const value of values) {
    for (const word of value.split(' ')) {
      const chars = Array.from(word);
      for (let i = 0; i < chars.length; i++) {
        if (chars[i]!.charCodeAt(0) > 0x7f) set.add(chars[i]!);
        if (i + 1 < chars.length) set.add(chars[i]! + chars[i + 1]!);
      }
      // Latin runs inside a word count as words too: "google合同会社" is found by "goog".
      for (const run of word.match(/[!-~]{3,}/g) ?? []) for (let n = 3; n <= Math.min(run.length, MAX_PREFIX); n++) set.add(run.slice(0, n));
    }
  }
  return [...set];
}

/** Query terms: folded, split on spaces, at most 5 of at most 50 characters each. */
export function queryTerms(query: string | null | undefined): string[] {
  const terms = fold(query)
    .split(' ')
    .filter((t) => t.length > 0)
    .map((t) => Array.from(t).slice(0, 50).join(''));
  return [...new Set(terms)].slice(0, 5);
}

/** Escapes LIKE wildcards in a term (backslash is the default escape character). */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
