/**
 * Hiragana → lower-case Hepburn, in two spellings: passport style (long vowels not
 * written: さとう → sato, ゆうき → yuki), the way most people type their name, and as
 * written (satou, yuuki). Used for the demo's names and for directory search.
 */

const MORA: Record<string, string> = {
  あ: 'a', い: 'i', う: 'u', え: 'e', お: 'o',
  か: 'ka', き: 'ki', く: 'ku', け: 'ke', こ: 'ko',
  さ: 'sa', し: 'shi', す: 'su', せ: 'se', そ: 'so',
  た: 'ta', ち: 'chi', つ: 'tsu', て: 'te', と: 'to',
  な: 'na', に: 'ni', ぬ: 'nu', ね: 'ne', の: 'no',
  は: 'ha', ひ: 'hi', ふ: 'fu', へ: 'he', ほ: 'ho',
  ま: 'ma', み: 'mi', む: 'mu', め: 'me', も: 'mo',
  や: 'ya', ゆ: 'yu', よ: 'yo',
  ら: 'ra', り: 'ri', る: 'ru', れ: 're', ろ: 'ro',
  わ: 'wa', ゐ: 'i', ゑ: 'e', を: 'o', ん: 'n',
  が: 'ga', ぎ: 'gi', ぐ: 'gu', げ: 'ge', ご: 'go',
  ざ: 'za', じ: 'ji', ず: 'zu', ぜ: 'ze', ぞ: 'zo',
  だ: 'da', ぢ: 'ji', づ: 'zu', で: 'de', ど: 'do',
  ば: 'ba', び: 'bi', ぶ: 'bu', べ: 'be', ぼ: 'bo',
  ぱ: 'pa', ぴ: 'pi', ぷ: 'pu', ぺ: 'pe', ぽ: 'po',
  ぁ: 'a', ぃ: 'i', ぅ: 'u', ぇ: 'e', ぉ: 'o', ゔ: 'vu',
};

/** Consonant part before a small ゃゅょ: き+ゃ → ky+a, し+ゃ → sh+a. */
const YOON_HEAD: Record<string, string> = {
  き: 'ky', ぎ: 'gy', し: 'sh', じ: 'j', ち: 'ch', ぢ: 'j', に: 'ny', ひ: 'hy', び: 'by', ぴ: 'py', み: 'my', り: 'ry',
};
const YOON_TAIL: Record<string, string> = { ゃ: 'a', ゅ: 'u', ょ: 'o' };

export interface RomajiOptions {
  /** 'passport': おう, おお → o and うう → u; 'written': every kana spelt (satou). */
  longVowels: 'passport' | 'written';
  /** Throw on a character that is not hiragana (demo data); otherwise it is kept as it is. */
  strict?: boolean;
}

/**
 * ん is always n, っ doubles the next consonant (っち → tchi), the long-vowel mark ー is
 * dropped. A `|` stops a long vowel from being merged across a word boundary and is dropped.
 */
export function hepburn(kana: string, opts: RomajiOptions): string {
  let out = '';
  let geminate = false;
  let boundary = false;
  const chars = Array.from(kana);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '|' || ch === ' ') {
      boundary = true;
      if (ch === ' ') out += ' ';
      continue;
    }
    if (ch === 'っ') {
      geminate = true;
      continue;
    }
    if (ch === 'ー' && !opts.strict) continue;
    let syllable: string;
    const next = chars[i + 1];
    if (next !== undefined && YOON_TAIL[next] !== undefined && YOON_HEAD[ch] !== undefined) {
      syllable = YOON_HEAD[ch] + YOON_TAIL[next];
      i++;
    } else {
      const m = MORA[ch];
      if (m === undefined) {
        if (opts.strict) throw new Error(`kanaToRomaji: unsupported character ${JSON.stringify(ch)} in ${kana}`);
        out += ch;
        geminate = false;
        continue;
      }
      syllable = m;
    }
    // Long vowels (passport): ou / oo → o, uu → u, unless a word boundary separates them.
    if (opts.longVowels === 'passport' && !boundary && !geminate && ((syllable === 'u' && /[ou]$/.test(out)) || (syllable === 'o' && out.endsWith('o')))) {
      continue;
    }
    if (geminate) {
      syllable = (syllable.startsWith('ch') ? 't' : syllable[0]!) + syllable;
      geminate = false;
    }
    boundary = false;
    out += syllable;
  }
  return out;
}
