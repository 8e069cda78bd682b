/**
 * Pure tests of the search folding (src/shared/search.ts) and of what a viewer may see of a
 * profile and of its directory rows (profile.present.ts, profile.fields.ts).
 */
import { describe, expect, it } from 'vitest';
import { bigrams, escapeLike, fold, kanaToRomaji, queryTerms, romajiForms, toHiragana } from '../../shared/search.ts';
import { leftYearTokens, token } from './filter-tokens.ts';
import { audienceOf, choicesFor, DEFAULT_VISIBILITY, PROFILE_FIELDS, VISIBILITIES, visibilityOf, visibleTo, type ProfileField } from './profile.fields.ts';
import { directoryRows, isListed, presentProfile, visibilities, type PresentedProfile, type ProfileRecord } from './profile.present.ts';

// ---------------------------------------------------------------- shared/search.ts

describe('fold', () => {
  it('gives one form for kanji-less spellings of a name: kana, katakana, half-width kana, romaji in any width and case', () => {
    for (const spelling of ['やまだ', 'ヤマダ', 'ﾔﾏﾀﾞ']) expect(fold(spelling)).toBe('やまだ');
    for (const spelling of ['yamada', 'YAMADA', 'Yamada', 'Ｙａｍａｄａ', 'ＹＡＭＡＤＡ']) expect(fold(spelling)).toBe('yamada');
    expect(fold('山田')).toBe('山田');
  });

  it('collapses every kind of white space (ideographic space included) to one space and trims', () => {
    expect(fold('  山田\u3000\u3000花子 \t\n ')).toBe('山田 花子');
    expect(fold('ﾔﾏﾀﾞ　ﾊﾅｺ')).toBe('やまだ はなこ');
  });

  it('is empty for null, undefined and blank values', () => {
    expect(fold(null)).toBe('');
    expect(fold(undefined)).toBe('');
    expect(fold('')).toBe('');
    expect(fold(' \u3000 ')).toBe('');
  });

  it('keeps the long-vowel mark and folds full-width digits and symbols', () => {
    expect(fold('サーバー')).toBe('さーばー');
    expect(fold('５０％')).toBe('50%');
  });
});

describe('toHiragana', () => {
  it('shifts katakana ァ–ヶ to hiragana and leaves everything else', () => {
    expect(toHiragana('アイウエオ ヴ ヶ')).toBe('あいうえお ゔ ゖ');
    expect(toHiragana('カタカナとkanji漢字ー')).toBe('かたかなとkanji漢字ー');
  });
});

describe('kanaToRomaji', () => {
  it.each([
    ['やまだ はなこ', 'yamada hanako'],
    ['ヤマダ ハナコ', 'yamada hanako'],
    ['さとう', 'satou'],
    ['がっこう', 'gakkou'],
    ['まっちゃ', 'matcha'],
    ['きょうと', 'kyouto'],
    ['しゃちょう', 'shachou'],
    ['じゅんこ', 'junko'],
    ['ちひろ', 'chihiro'],
    ['つよし', 'tsuyoshi'],
    ['ふじ', 'fuji'],
    ['すずき いちろう', 'suzuki ichirou'],
    ['ラーメン', 'ramen'],
  ])('%s → %s', (kana, romaji) => {
    expect(kanaToRomaji(kana)).toBe(romaji);
  });

  it('keeps characters that are not kana as they are (folded)', () => {
    expect(kanaToRomaji('やまだ Ｈ')).toBe('yamada h');
  });
});

describe('bigrams', () => {
  it('gives every two-character piece of each word, never across a space or two values, and each non-ASCII character', () => {
    expect(bigrams(['営業部長']).sort()).toEqual(['営', '業', '部', '長', '営業', '業部', '部長'].sort());
    const grams = bigrams(['山田 花子', 'ab']);
    expect(grams.sort()).toEqual(['山', '田', '花', '子', '山田', '花子', 'ab'].sort());
    // Single ASCII letters are not pieces: a one-letter Latin query is checked in the text instead.
    expect(grams).not.toContain('a');
    expect(grams).not.toContain('田 ');
    expect(grams).not.toContain('田花');
    expect(grams).not.toContain('子a');
  });

  it('counts code points, not UTF-16 units, and lists a piece once', () => {
    expect(bigrams(['𠮷野']).sort()).toEqual(['𠮷', '野', '𠮷野'].sort());
    expect(bigrams(['abab']).sort()).toEqual(['ab', 'ba', 'aba', 'abab'].sort());
    expect(bigrams(['a', ''])).toEqual([]);
  });

  it('holds every 3+ letter prefix of a Latin word or of a Latin run inside a word', () => {
    const grams = bigrams(['tanaka', 'google合同会社']);
    for (const p of ['tan', 'tana', 'tanak', 'tanaka', 'goo', 'goog', 'googl', 'google']) expect(grams).toContain(p);
    expect(grams).not.toContain('ana');
    expect(grams).not.toContain('oogle');
  });
});

describe('queryTerms', () => {
  it('folds and splits on any white space, dropping duplicates', () => {
    expect(queryTerms('  山田\u3000ヤマダ  やまだ YAMADA ')).toEqual(['山田', 'やまだ', 'yamada']);
  });

  it('keeps at most five terms of at most 50 characters each', () => {
    expect(queryTerms('a b c d e f g')).toEqual(['a', 'b', 'c', 'd', 'e']);
    const [long] = queryTerms('あ'.repeat(80));
    expect(Array.from(long!)).toHaveLength(50);
    expect(queryTerms('𠮷'.repeat(60))[0]).toBe('𠮷'.repeat(50));
  });

  it('is empty for nothing', () => {
    expect(queryTerms(undefined)).toEqual([]);
    expect(queryTerms(null)).toEqual([]);
    expect(queryTerms(' \u3000 ')).toEqual([]);
  });
});

describe('escapeLike', () => {
  it('makes %, _ and the escape character itself literal', () => {
    expect(escapeLike('100%_off\\x')).toBe('100\\%\\_off\\\\x');
    expect(escapeLike('普通の言葉')).toBe('普通の言葉');
  });
});

// ---------------------------------------------------------------- profile.fields.ts

describe('audiences and visibility', () => {
  it('alumni are one audience, every staff role the other', () => {
    expect(audienceOf('alumnus')).toBe('alumni');
    for (const role of ['employee', 'community_manager', 'operator'] as const) expect(audienceOf(role)).toBe('staff');
  });

  it('network reaches both audiences, alumni and staff only their own, private nobody', () => {
    expect(visibleTo('network', 'alumni')).toBe(true);
    expect(visibleTo('network', 'staff')).toBe(true);
    expect(visibleTo('alumni', 'alumni')).toBe(true);
    expect(visibleTo('alumni', 'staff')).toBe(false);
    expect(visibleTo('staff', 'staff')).toBe(true);
    expect(visibleTo('staff', 'alumni')).toBe(false);
    expect(visibleTo('private', 'alumni')).toBe(false);
    expect(visibleTo('private', 'staff')).toBe(false);
  });

  it('the name cannot be private; every other field can be', () => {
    expect(choicesFor('name')).toEqual(['network', 'alumni', 'staff']);
    for (const field of PROFILE_FIELDS.filter((f) => f !== 'name')) expect(choicesFor(field)).toEqual([...VISIBILITIES]);
  });

  it('missing, unknown or forbidden stored values fall back to the field default', () => {
    expect(visibilityOf(null, 'location')).toBe('private');
    expect(visibilityOf({ location: 'everyone' }, 'location')).toBe('private');
    expect(visibilityOf({ name: 'private' }, 'name')).toBe('network');
    expect(visibilityOf({ location: 'staff' }, 'location')).toBe('staff');
  });

  it('defaults keep location, links, wishes and tenure private and professional facts to alumni', () => {
    expect(DEFAULT_VISIBILITY).toMatchObject({ name: 'network', location: 'private', links: 'private', wants: 'private', tenure: 'private', currentEmployer: 'alumni', bio: 'alumni' });
  });
});

// ---------------------------------------------------------------- profile.present.ts

const DEPT = '11111111-1111-4111-8111-111111111111';

function record(over: Partial<ProfileRecord> = {}): ProfileRecord {
  return {
    userId: 'u-1',
    name: '山田 花子',
    nameKana: 'ヤマダ ハナコ',
    role: 'alumnus',
    status: 'active',
    joinedAt: new Date('2024-01-01T00:00:00Z'),
    nameRomaji: 'Hanako Yamada',
    photoKey: 'AAAAAAAAAAAAAAAAAAAAAA.webp',
    currentEmployer: 'みらい商事',
    currentTitle: '営業部長',
    industry: 'trading',
    country: 'JP',
    prefecture: '13',
    skills: ['SQL', 'TypeScript', '交渉'],
    achievements: '売上倍増',
    links: [{ label: 'site', url: 'https://hanako.example/' }],
    bioJa: '自己紹介です',
    bioEn: 'About me',
    wants: ['mentor'],
    contact: 'yes',
    hidden: false,
    visibility: {},
    updatedAt: new Date('2024-05-01T00:00:00Z'),
    reviewedAt: new Date('2024-05-01T00:00:00Z'),
    career: [{ employer: 'さくら銀行', title: '調査役', fromMonth: '2019-04', toMonth: '2021-03' }],
    tenure: { joinedOn: '2010-04-01', leftOn: '2019-03-31', periods: [{ departmentId: DEPT, nameJa: '営業部', nameEn: 'Sales', from: '2010-04-01', to: '2019-03-31' }] },
    ...over,
  };
}

/** The presented keys that belong to each field. */
const KEYS: Record<ProfileField, (keyof PresentedProfile)[]> = {
  name: ['name'],
  nameKana: ['nameKana'],
  nameRomaji: ['nameRomaji'],
  photo: ['photoKey'],
  currentEmployer: ['currentEmployer'],
  currentTitle: ['currentTitle'],
  industry: ['industry'],
  location: ['location'],
  skills: ['skills'],
  achievements: ['achievements'],
  career: ['career'],
  links: ['links'],
  bio: ['bioJa', 'bioEn'],
  wants: ['wants'],
  tenure: ['tenure'],
};

function cyclic(round: number): Record<ProfileField, string> {
  return Object.fromEntries(
    PROFILE_FIELDS.map((f, i) => {
      const v = VISIBILITIES[(i + round) % 4]!;
      return [f, f === 'name' && v === 'private' ? 'network' : v];
    }),
  ) as Record<ProfileField, string>;
}

describe('presentProfile', () => {
  it('the member sees every field, whatever the visibility', () => {
    const all = Object.fromEntries(PROFILE_FIELDS.map((f) => [f, 'private']));
    const seen = presentProfile(record({ visibility: all }), { self: true });
    for (const keys of Object.values(KEYS)) for (const key of keys) expect(seen[key], key).toBeDefined();
    expect(seen.self).toBe(true);
  });

  it.each([0, 1, 2, 3])('round %i: each audience gets exactly the fields visible to it', (round) => {
    const visibility = cyclic(round);
    const p = record({ visibility });
    for (const audience of ['alumni', 'staff'] as const) {
      const seen = presentProfile(p, { self: false, audience });
      for (const field of PROFILE_FIELDS) {
        const expected = visibleTo(visibilityOf(visibility, field), audience);
        for (const key of KEYS[field]) expect(seen[key] !== undefined, `${audience} ${field} (${visibility[field]})`).toBe(expected);
      }
      // The contact preference goes to everyone who may see the profile.
      expect(seen.contact).toBe('yes');
    }
  });

  it('blank values are absent even when visible', () => {
    const seen = presentProfile(
      record({ nameKana: '  ', nameRomaji: '', currentTitle: ' ', achievements: null, bioJa: '\n', bioEn: null, skills: [], links: [], wants: [], career: [], tenure: null, country: null, photoKey: null, industry: null }),
      { self: false, audience: 'alumni' },
    );
    expect(Object.keys(seen).sort()).toEqual(['contact', 'currentEmployer', 'name', 'self', 'updatedAt', 'userId'].sort());
  });

  it('visibilities() fills in the defaults', () => {
    expect(visibilities({ visibility: { tenure: 'network', name: 'private' } })).toEqual({ ...DEFAULT_VISIBILITY, tenure: 'network' });
  });
});

describe('isListed and directoryRows', () => {
  it('lists only active alumni who have not hidden themselves', () => {
    expect(isListed(record())).toBe(true);
    expect(isListed(record({ hidden: true }))).toBe(false);
    expect(isListed(record({ status: 'suspended' }))).toBe(false);
    expect(isListed(record({ status: 'pending' }))).toBe(false);
    for (const role of ['employee', 'community_manager', 'operator'] as const) expect(isListed(record({ role }))).toBe(false);
    expect(directoryRows(record({ hidden: true }))).toEqual([]);
    expect(directoryRows(record({ role: 'employee' }))).toEqual([]);
  });

  it('has one row per audience that may see the name', () => {
    expect(directoryRows(record()).map((r) => r.audience)).toEqual(['alumni', 'staff']);
    expect(directoryRows(record({ visibility: { name: 'staff' } })).map((r) => r.audience)).toEqual(['staff']);
    expect(directoryRows(record({ visibility: { name: 'alumni' } })).map((r) => r.audience)).toEqual(['alumni']);
  });

  it('search text, pieces, filters and card hold only the values visible to the row audience', () => {
    const visibility = {
      nameKana: 'staff',
      nameRomaji: 'staff',
      photo: 'staff',
      currentEmployer: 'staff',
      currentTitle: 'alumni',
      industry: 'staff',
      location: 'staff',
      skills: 'staff',
      achievements: 'staff',
      career: 'staff',
      bio: 'staff',
      wants: 'staff',
      tenure: 'staff',
    };
    const rows = directoryRows(record({ visibility }));
    const alumni = rows.find((r) => r.audience === 'alumni')!;
    const staff = rows.find((r) => r.audience === 'staff')!;

    // The name also without its space, so 山田花子 finds 山田 花子.
    expect(alumni.searchText).toBe('山田 花子\n山田花子\n営業部長');
    expect(alumni.grams.filter((g) => !g.startsWith('\u0001')).sort()).toEqual(['山', '田', '花', '子', '営', '業', '部', '長', '山田', '田花', '花子', '営業', '業部', '部長'].sort());
    expect(alumni).toMatchObject({ industry: null, country: null, prefecture: null, skills: [], wants: [], departmentIds: [], leftYear: null, sortKey: '山田花子' });
    expect(alumni.card).toEqual({ name: '山田 花子', currentTitle: '営業部長', updatedAt: '2024-05-01T00:00:00.000Z' });

    for (const text of ['やまだ はなこ', 'やまだはなこ', 'yamadahanako', 'yamada hanako', 'hanako yamada', 'みらい商事', 'sql', 'typescript', '交渉', '自己紹介です', 'about me', '売上倍増', 'さくら銀行', '調査役']) {
      expect(staff.searchText.split('\n'), text).toContain(text);
    }
    expect(staff.searchText).not.toContain('営業部長');
    expect(staff).toMatchObject({ industry: 'trading', country: 'JP', prefecture: '13', skills: ['sql', 'typescript', '交渉'], wants: ['mentor'], departmentIds: [DEPT], leftYear: 2019, sortKey: 'やまだはなこ' });
    expect(staff.card).toEqual({
      name: '山田 花子',
      nameKana: 'ヤマダ ハナコ',
      photoKey: 'AAAAAAAAAAAAAAAAAAAAAA.webp',
      currentEmployer: 'みらい商事',
      industry: 'trading',
      location: { country: 'JP', prefecture: '13' },
      skills: ['SQL', 'TypeScript', '交渉'],
      tenure: { joinedYear: 2010, leftYear: 2019, departments: [{ ja: '営業部', en: 'Sales' }] },
      updatedAt: '2024-05-01T00:00:00.000Z',
    });
  });

  it('a private field is in no row at all', () => {
    const visibility = Object.fromEntries(PROFILE_FIELDS.filter((f) => f !== 'name').map((f) => [f, 'private']));
    for (const row of directoryRows(record({ visibility }))) {
      expect(row.searchText).toBe('山田 花子\n山田花子');
      expect(row.card).toEqual({ name: '山田 花子', updatedAt: '2024-05-01T00:00:00.000Z' });
      expect(row).toMatchObject({ industry: null, prefecture: null, skills: [], wants: [], departmentIds: [], leftYear: null });
    }
  });

  it('lists a department once for several periods, and keeps at most six skills on the card', () => {
    const tenure = {
      joinedOn: '2010-04-01',
      leftOn: null,
      periods: [
        { departmentId: DEPT, nameJa: '営業部', nameEn: 'Sales', from: '2010-04-01', to: '2012-03-31' },
        { departmentId: DEPT, nameJa: '営業部', nameEn: 'Sales', from: '2015-04-01', to: null },
      ],
    };
    const skills = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'];
    const [row] = directoryRows(record({ tenure, skills, visibility: { tenure: 'network' } }));
    expect(row!.departmentIds).toEqual([DEPT]);
    expect(row!.leftYear).toBeNull();
    expect(row!.card.tenure).toEqual({ joinedYear: 2010, leftYear: null, departments: [{ ja: '営業部', en: 'Sales' }] });
    expect(row!.card.skills).toEqual(skills.slice(0, 6));
    expect(row!.skills).toEqual(skills);
  });
});

describe('filter tokens (filters of a text search, served by the same GIN index)', () => {
  it('are built only from values the row audience may see', () => {
    const visibility = { industry: 'staff', location: 'alumni', tenure: 'alumni', wants: 'network', skills: 'staff' };
    const rows = directoryRows(record({ visibility }));
    const tokens = (audience: string) => rows.find((r) => r.audience === audience)!.grams.filter((g) => g.startsWith('\u0001')).sort();
    expect(tokens('alumni')).toEqual([token.department(DEPT), token.leftYear(2019), token.country('JP'), token.prefecture('13'), token.want('mentor')].sort());
    expect(tokens('staff')).toEqual([token.industry('trading'), token.skill('sql'), token.skill('typescript'), token.skill('交渉'), token.want('mentor')].sort());
  });

  it('cover a leave-year range, with open ends bounded', () => {
    expect(leftYearTokens(2018, 2020)).toEqual([token.leftYear(2018), token.leftYear(2019), token.leftYear(2020)]);
    expect(leftYearTokens(2021, 2019)).toEqual([]);
    const now = new Date('2026-06-01T00:00:00Z');
    expect(leftYearTokens(2026, undefined, now)).toEqual([token.leftYear(2026), token.leftYear(2027)]);
    expect(leftYearTokens(undefined, 1950, now)).toEqual([token.leftYear(1950)]);
  });

  it('cannot be matched by a typed query (folding removes U+0001)', () => {
    expect(queryTerms(`${token.industry('it')}`)).toEqual(['i:it']);
  });
});

describe('romajiForms', () => {
  it('gives the reading as written and in passport style, the way most people type a name', () => {
    expect(romajiForms('ゆうき')).toEqual(['yuuki', 'yuki']);
    expect(romajiForms('さとう けいこ')).toEqual(['satou keiko', 'sato keiko']);
    expect(romajiForms('やまだ はなこ')).toEqual(['yamada hanako']);
  });

  it('is what directory rows are searched by', () => {
    const rows = directoryRows(record({ nameKana: 'さとう ゆうき' }));
    for (const row of rows) for (const form of ['satou yuuki', 'sato yuki', 'satoyuki']) expect(row.searchText.split('\n')).toContain(form);
  });
});
