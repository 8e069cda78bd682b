/**
 * Tests for the LinkedIn data export parser: the happy path on a realistic export, CSV and
 * ZIP layout variations, dates, websites, caps, data minimisation and hostile archives.
 */
import { deflateRawSync } from 'node:zlib';
import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  BOM,
  buildZip,
  csv,
  POSITIONS_HEADER,
  PROFILE_HEADER,
  rawEntry,
  rawZip,
  SAMPLE,
  SAMPLE_POSITIONS_CSV,
  SAMPLE_PROFILE_CSV,
  SAMPLE_SKILLS_CSV,
  sampleLinkedInZip,
  withBom,
} from '../../../test/fixtures/linkedin.ts';
import { LIMITS, MAX_FILE_BYTES, MAX_ZIP_BYTES, parseLinkedInDate, parseLinkedInExport, parseWebsites, type LinkedInProfile, type LinkedInResult } from './linkedin.ts';

/** The profile of a successful parse; fails the test otherwise. */
function profileOf(result: LinkedInResult): LinkedInProfile {
  if (!result.ok) throw new Error(`expected a profile, got error ${result.error}`);
  return result.profile;
}

function errorOf(result: LinkedInResult): string {
  if (result.ok) throw new Error('expected an error, got a profile');
  return result.error;
}

/** A Profile.csv with the given cells (by header) and every other column empty. */
function profileCsv(values: Partial<Record<(typeof PROFILE_HEADER)[number], string>>): string {
  return csv([[...PROFILE_HEADER], PROFILE_HEADER.map((h) => values[h] ?? '')]);
}

function positionsCsv(rows: string[][]): string {
  return csv([[...POSITIONS_HEADER], ...rows]);
}

function skillsCsv(names: string[]): string {
  return csv([['Name'], ...names.map((n) => [n])]);
}

describe('parseLinkedInExport: the sample export', () => {
  it('reads every field, Japanese included, and ignores the other files', () => {
    const result = parseLinkedInExport(sampleLinkedInZip());
    expect(result).toEqual({
      ok: true,
      files: ['Profile.csv', 'Positions.csv', 'Skills.csv'],
      profile: {
        firstName: '花子',
        lastName: '山田',
        headline: SAMPLE.headline,
        summary: SAMPLE.summary,
        industry: 'IT・通信',
        location: '日本 東京都',
        websites: [...SAMPLE.websites],
        positions: SAMPLE.positions.map((p) => ({ ...p })),
        skills: [...SAMPLE.skills],
      },
    });
  });

  it('keeps line breaks in the summary and descriptions as \\n (no \\r)', () => {
    const profile = profileOf(parseLinkedInExport(sampleLinkedInZip()));
    expect(profile.summary).toContain('\n\nI build B2B products');
    expect(profile.summary).not.toContain('\r');
    expect(profile.positions[0]?.description).toBe('経費精算SaaSの企画・開発をリード。\n・チーム8名\n・ARR 2倍');
  });

  it('never returns the columns and files it must not read', () => {
    const json = JSON.stringify(parseLinkedInExport(sampleLinkedInZip()));
    for (const value of Object.values(SAMPLE.sensitive)) expect(json).not.toContain(value);
    // Parts of the address and birth date too, not just the whole cell.
    for (const fragment of ['六本木', '1988', 'Jul 7', '106-0032', 'hanako_secret_handle', 'skype', 'Registration', '203.0.113.7']) {
      expect(json).not.toContain(fragment);
    }
  });

  it('reads a profile whose only wanted file is Profile.csv', () => {
    const result = parseLinkedInExport(buildZip({ 'Profile.csv': SAMPLE_PROFILE_CSV, 'Connections.csv': 'First Name\r\nx\r\n' }));
    expect(result.ok && result.files).toEqual(['Profile.csv']);
    const profile = profileOf(result);
    expect(profile.firstName).toBe('花子');
    expect(profile.positions).toEqual([]);
    expect(profile.skills).toEqual([]);
  });

  it('reads positions and skills without a Profile.csv (empty profile fields)', () => {
    const profile = profileOf(parseLinkedInExport(buildZip({ 'Positions.csv': SAMPLE_POSITIONS_CSV, 'Skills.csv': SAMPLE_SKILLS_CSV })));
    expect(profile.firstName).toBe('');
    expect(profile.websites).toEqual([]);
    expect(profile.positions).toHaveLength(2);
    expect(profile.skills).toHaveLength(5);
  });

  it('accepts a Node Buffer', () => {
    expect(parseLinkedInExport(Buffer.from(sampleLinkedInZip())).ok).toBe(true);
  });
});

describe('parseLinkedInExport: encodings and layout', () => {
  it('reads UTF-8 with a BOM exactly like UTF-8 without one', () => {
    const plain = profileOf(parseLinkedInExport(sampleLinkedInZip()));
    const bommed = profileOf(
      parseLinkedInExport(
        sampleLinkedInZip({ 'Profile.csv': withBom(SAMPLE_PROFILE_CSV), 'Positions.csv': withBom(SAMPLE_POSITIONS_CSV), 'Skills.csv': withBom(SAMPLE_SKILLS_CSV) }),
      ),
    );
    expect(bommed).toEqual(plain);
    expect(bommed.firstName).toBe('花子');
    expect(JSON.stringify(bommed)).not.toContain(BOM);
  });

  it('reads LF-only files', () => {
    const profile = profileOf(parseLinkedInExport(sampleLinkedInZip({ 'Profile.csv': SAMPLE_PROFILE_CSV.replace(/\r\n/g, '\n') })));
    expect(profile.summary).toBe(SAMPLE.summary);
  });

  it('finds the files inside a folder, names matched case-insensitively', () => {
    const result = parseLinkedInExport(
      buildZip({
        'Basic_LinkedInDataExport_06-01-2024/PROFILE.CSV': SAMPLE_PROFILE_CSV,
        'Basic_LinkedInDataExport_06-01-2024/positions.csv': SAMPLE_POSITIONS_CSV,
        'Basic_LinkedInDataExport_06-01-2024/Skills.csv': SAMPLE_SKILLS_CSV,
        'Basic_LinkedInDataExport_06-01-2024/Connections.csv': 'First Name\r\n',
      }),
    );
    expect(result.ok && result.files).toEqual([
      'Basic_LinkedInDataExport_06-01-2024/PROFILE.CSV',
      'Basic_LinkedInDataExport_06-01-2024/positions.csv',
      'Basic_LinkedInDataExport_06-01-2024/Skills.csv',
    ]);
    expect(profileOf(result).skills).toEqual([...SAMPLE.skills]);
  });

  it('ignores macOS __MACOSX copies and prefers the shallowest file', () => {
    const result = parseLinkedInExport(
      buildZip({
        '__MACOSX/Profile.csv': profileCsv({ 'First Name': 'AppleDouble' }),
        'old/backup/Profile.csv': profileCsv({ 'First Name': 'Old' }),
        'export/Profile.csv': profileCsv({ 'First Name': 'Current' }),
      }),
    );
    expect(result.ok && result.files).toEqual(['export/Profile.csv']);
    expect(profileOf(result).firstName).toBe('Current');
  });

  it('matches headers case-insensitively and tolerates missing columns', () => {
    const result = parseLinkedInExport(
      buildZip({
        'Profile.csv': csv([
          ['first name', 'LAST NAME', 'headline'],
          ['Hanako', 'Yamada', 'Engineer'],
        ]),
        'Positions.csv': csv([
          ['COMPANY NAME', 'title', 'started on'],
          ['Acme', 'Engineer', '2019'],
        ]),
        'Skills.csv': csv([['NAME'], ['Go']]),
      }),
    );
    expect(profileOf(result)).toEqual({
      firstName: 'Hanako',
      lastName: 'Yamada',
      headline: 'Engineer',
      summary: '',
      industry: '',
      location: '',
      websites: [],
      positions: [{ company: 'Acme', title: 'Engineer', description: '', location: '', from: '2019-01', to: null }],
      skills: ['Go'],
    });
  });

  it('tolerates short and long rows, blank lines and padded cells', () => {
    const text = 'First Name,Last Name,Headline\r\n\r\n  Hanako  ,Yamada\r\n';
    const profile = profileOf(parseLinkedInExport(buildZip({ 'Profile.csv': text, 'Skills.csv': 'Name\r\nGo,extra,cells\r\n\r\n Rust \r\n' })));
    expect(profile.firstName).toBe('Hanako');
    expect(profile.headline).toBe('');
    expect(profile.skills).toEqual(['Go', 'Rust']);
  });

  it('reads a stored (uncompressed) archive', () => {
    expect(profileOf(parseLinkedInExport(buildZip({ 'Profile.csv': SAMPLE_PROFILE_CSV }, { level: 0 }))).lastName).toBe('山田');
  });

  it('reads an empty Profile.csv as empty fields', () => {
    const profile = profileOf(parseLinkedInExport(buildZip({ 'Profile.csv': '' })));
    expect(profile.firstName).toBe('');
    expect(profile.positions).toEqual([]);
  });
});

describe('parseLinkedInDate', () => {
  it.each([
    ['Mar 2015', '2015-03'],
    ['March 2015', '2015-03'],
    ['sep 2019', '2019-09'],
    ['Sept 2019', '2019-09'],
    ['2015', '2015-01'],
    ['03/2015', '2015-03'],
    ['3/2015', '2015-03'],
    ['2015-03', '2015-03'],
    ['2015/3', '2015-03'],
    ['2015年3月', '2015-03'],
    ['３月 ２０１５', '2015-03'],
    ['  Dec   2020 ', '2020-12'],
  ])('%s → %s', (input, expected) => {
    expect(parseLinkedInDate(input)).toBe(expected);
  });

  it.each(['', 'Present', 'now', '13/2015', '00/2015', '2015-13', 'Foo 2015', '15', '1850', '2015-03-01x', 'Mar'])('%j → null', (input) => {
    expect(parseLinkedInDate(input)).toBeNull();
  });

  it('applies to positions: unparseable dates are null, an empty end is current', () => {
    const profile = profileOf(
      parseLinkedInExport(
        buildZip({
          'Positions.csv': positionsCsv([
            ['A', 'a', '', '', '2015', '03/2016'],
            ['B', 'b', '', '', '2016-04', 'someday'],
            ['C', 'c', '', '', 'Mar 2017', ''],
          ]),
        }),
      ),
    );
    const byCompany = Object.fromEntries(profile.positions.map((p) => [p.company, [p.from, p.to]]));
    expect(byCompany).toEqual({ A: ['2015-01', '2016-03'], B: ['2016-04', null], C: ['2017-03', null] });
  });
});

describe('positions', () => {
  it('sorts newest first: current positions first, unknown dates after known ones', () => {
    const profile = profileOf(
      parseLinkedInExport(
        buildZip({
          'Positions.csv': positionsCsv([
            ['Oldest', 't', '', '', 'Apr 2005', 'Mar 2010'],
            ['Current undated', 't', '', '', '', ''],
            ['No start', 't', '', '', 'x', 'Mar 2010'],
            ['Current old', 't', '', '', 'Apr 2012', ''],
            ['Middle', 't', '', '', 'Apr 2010', 'Mar 2015'],
            ['Current new', 't', '', '', 'Jan 2020', ''],
            ['Recent', 't', '', '', 'Apr 2015', 'Dec 2019'],
          ]),
        }),
      ),
    );
    expect(profile.positions.map((p) => p.company)).toEqual(['Current new', 'Current old', 'Current undated', 'Recent', 'Middle', 'Oldest', 'No start']);
  });

  it('drops rows with neither company nor title, and caps fields and count', () => {
    const rows = Array.from({ length: 60 }, (_, i) => [`Company ${i}`, 'Title', '', '', `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`, 'Dec 2030']);
    rows.push(['', '', 'only a description', '', '2025', '']);
    rows.push(['C'.repeat(300), 'T'.repeat(300), '説'.repeat(2500), 'L'.repeat(300), '2031', '2031']);
    const profile = profileOf(parseLinkedInExport(buildZip({ 'Positions.csv': positionsCsv(rows) })));
    expect(profile.positions).toHaveLength(LIMITS.positions);
    expect(profile.positions.some((p) => p.description === 'only a description')).toBe(false);
    const [first, second] = profile.positions;
    expect(first?.company).toHaveLength(200);
    expect(first?.title).toHaveLength(200);
    expect(first?.location).toHaveLength(200);
    expect(first?.description).toHaveLength(2000);
    // The newest 49 of the 60 dated rows survive after the long one.
    expect(second?.company).toBe('Company 59');
    expect(profile.positions.at(-1)?.company).toBe('Company 11');
  });
});

describe('websites', () => {
  it('reads the bracketed LinkedIn format', () => {
    expect(parseWebsites('[PORTFOLIO:https://example.com],[COMPANY:https://corp.example/path?q=1]')).toEqual(['https://example.com/', 'https://corp.example/path?q=1']);
  });

  it('reads a plain list of URLs', () => {
    expect(parseWebsites('https://a.example, http://b.example/x\nhttps://c.example')).toEqual(['https://a.example/', 'http://b.example/x', 'https://c.example/']);
  });

  it('keeps a URL with a port, labelled or not', () => {
    expect(parseWebsites('[BLOG:https://blog.example:8443/ja]')).toEqual(['https://blog.example:8443/ja']);
    expect(parseWebsites('https://blog.example:8443/ja')).toEqual(['https://blog.example:8443/ja']);
  });

  it('drops javascript:, data:, relative and other non-http(s) URLs', () => {
    const value = [
      '[PORTFOLIO:javascript:alert(1)]',
      '[OTHER:JavaScript:alert(document.cookie)]',
      '[X:data:text/html,<script>alert(1)</script>]',
      '[BLOG:ftp://files.example]',
      '[RSS:www.no-scheme.example]',
      '[COMPANY:https://ok.example]',
      '[Y:java\tscript:alert(1)]',
      '[Z:https://user:pass@evil.example]',
      '[W:https://exa mple.com]',
    ].join(',');
    expect(parseWebsites(value)).toEqual(['https://ok.example/']);
    expect(parseWebsites('javascript:alert(1), https://ok.example')).toEqual(['https://ok.example/']);
  });

  it('deduplicates and keeps at most five', () => {
    const urls = Array.from({ length: 8 }, (_, i) => `[OTHER:https://site${i}.example]`);
    expect(parseWebsites(['[A:https://site0.example]', ...urls].join(','))).toEqual(Array.from({ length: 5 }, (_, i) => `https://site${i}.example/`));
  });

  it('filters websites in the parsed profile', () => {
    const profile = profileOf(
      parseLinkedInExport(buildZip({ 'Profile.csv': profileCsv({ Websites: '[PORTFOLIO:javascript:alert(1)],[BLOG:https://hanako.example/blog]' }) })),
    );
    expect(profile.websites).toEqual(['https://hanako.example/blog']);
    expect(JSON.stringify(profile)).not.toContain('javascript');
  });
});

describe('caps and cleaning', () => {
  it('deduplicates skills case-insensitively, keeping the first spelling, and caps them', () => {
    const names = ['TypeScript', 'typescript', ' TYPESCRIPT ', 'Go', '', 'ｺﾐｭﾆｹｰｼｮﾝ', 'プロジェクト管理', 'プロジェクト管理', 'x'.repeat(80)];
    const profile = profileOf(parseLinkedInExport(buildZip({ 'Skills.csv': skillsCsv(names) })));
    expect(profile.skills).toEqual(['TypeScript', 'Go', 'ｺﾐｭﾆｹｰｼｮﾝ', 'プロジェクト管理', 'x'.repeat(LIMITS.skill)]);
  });

  it('keeps at most 100 skills', () => {
    const names = Array.from({ length: 150 }, (_, i) => `Skill ${i}`);
    const profile = profileOf(parseLinkedInExport(buildZip({ 'Skills.csv': skillsCsv(names) })));
    expect(profile.skills).toHaveLength(LIMITS.skills);
    expect(profile.skills.at(-1)).toBe('Skill 99');
  });

  it('caps profile fields without splitting a surrogate pair', () => {
    const profile = profileOf(
      parseLinkedInExport(
        buildZip({
          'Profile.csv': profileCsv({
            'First Name': '名'.repeat(150),
            'Last Name': 'a'.repeat(99) + '𠮷',
            Headline: 'h'.repeat(500),
            Summary: '要'.repeat(5000),
            Industry: 'i'.repeat(300),
            'Geo Location': 'g'.repeat(300),
          }),
        }),
      ),
    );
    expect(profile.firstName).toHaveLength(LIMITS.name);
    expect(profile.lastName).toBe('a'.repeat(99));
    expect(profile.headline).toHaveLength(LIMITS.headline);
    expect(profile.summary).toHaveLength(LIMITS.summary);
    expect(profile.industry).toHaveLength(LIMITS.industry);
    expect(profile.location).toHaveLength(LIMITS.location);
  });

  it('trims, collapses whitespace in single-line fields and strips control characters', () => {
    const profile = profileOf(
      parseLinkedInExport(
        buildZip({ 'Profile.csv': profileCsv({ 'First Name': '  花子\u0000 ', Headline: ' Product\r\n  Manager\t at\u202E X ', Summary: '  line 1  \r\n\r\n\r\n\r\n  line 2  ' }) }),
      ),
    );
    expect(profile.firstName).toBe('花子');
    expect(profile.headline).toBe('Product Manager at X');
    expect(profile.summary).toBe('line 1\n\nline 2');
  });
});

describe('parseLinkedInExport: rejected input', () => {
  it.each([
    ['random bytes', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)],
    ['an empty buffer', new Uint8Array(0)],
    ['a PNG header', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, ...new Array<number>(64).fill(0)])],
    ['a CSV instead of a ZIP', strToU8(SAMPLE_PROFILE_CSV)],
    ['a truncated ZIP', sampleLinkedInZip().subarray(0, 200)],
  ])('%s → notZip', (_label, bytes) => {
    expect(errorOf(parseLinkedInExport(bytes))).toBe('notZip');
  });

  it('a ZIP with only Connections.csv → noLinkedInFiles', () => {
    const zip = buildZip({ 'Connections.csv': csv([['First Name', 'Last Name'], ['一郎', '鈴木']]) });
    expect(errorOf(parseLinkedInExport(zip))).toBe('noLinkedInFiles');
  });

  it('an empty ZIP → noLinkedInFiles', () => {
    expect(errorOf(parseLinkedInExport(buildZip({})))).toBe('noLinkedInFiles');
  });

  it('a zip bomb (3 MB Profile.csv that compresses to almost nothing) → tooLarge', () => {
    const bomb = buildZip({ 'Profile.csv': 'First Name\r\n' + 'あ'.repeat(1024 * 1024) }, { level: 9 });
    expect(bomb.byteLength).toBeLessThan(20_000);
    expect(errorOf(parseLinkedInExport(bomb))).toBe('tooLarge');
  });

  it('a bomb hidden in a folder → tooLarge, even next to valid files', () => {
    const bomb = sampleLinkedInZip({ 'Positions.csv': null, 'x/Positions.csv': 'a'.repeat(3 * 1024 * 1024) });
    expect(errorOf(parseLinkedInExport(bomb))).toBe('tooLarge');
  });

  it('large files we do not read are not a problem', () => {
    const zip = sampleLinkedInZip({ 'messages.csv': 'm'.repeat(3 * 1024 * 1024) });
    expect(parseLinkedInExport(zip).ok).toBe(true);
  });

  it('an input over 20 MB → tooLarge, without reading it', () => {
    expect(errorOf(parseLinkedInExport(new Uint8Array(MAX_ZIP_BYTES + 1)))).toBe('tooLarge');
  });

  it('an entry that understates its size is never inflated past the limit', () => {
    const zip = buildZip({ 'Profile.csv': 'First Name\r\n' + 'a'.repeat(3 * 1024 * 1024) }, { level: 9 });
    lieAboutSizes(zip, 'Profile.csv', 64);
    expect(errorOf(parseLinkedInExport(zip))).toBe('tooLarge');
  });

  it('a ZIP whose wanted entry is corrupt → unreadable', () => {
    const zip = buildZip({ 'Profile.csv': SAMPLE_PROFILE_CSV });
    // Local header is 30 bytes + the name; scramble the deflate stream after it.
    for (let i = 30 + 'Profile.csv'.length; i < 30 + 'Profile.csv'.length + 40; i++) zip[i] = 0xff;
    expect(errorOf(parseLinkedInExport(zip))).toBe('unreadable');
  });

  it('a CSV that is not valid UTF-8 (e.g. re-saved as Shift_JIS) → unreadable', () => {
    const sjis = Uint8Array.from([...strToU8('First Name\r\n'), 0x8e, 0x52, 0x93, 0x63, 0x0d, 0x0a]); // 山田 in Shift_JIS
    expect(errorOf(parseLinkedInExport(buildZip({ 'Profile.csv': sjis })))).toBe('unreadable');
  });

  it('a CSV with an unclosed quote → unreadable', () => {
    expect(errorOf(parseLinkedInExport(buildZip({ 'Profile.csv': 'First Name,Headline\r\n"Hanako,oops\r\n' })))).toBe('unreadable');
  });
});

describe('parseLinkedInExport: the ZIP reader', () => {
  const profile = 'First Name,Last Name\r\nHanako,Yamada\r\n';

  it('reads deflated and stored entries, and an archive comment', () => {
    const zip = rawZip([rawEntry('Profile.csv', profile, 8), rawEntry('export/Skills.csv', 'Name\r\nGo\r\n', 0)], { comment: strToU8('LinkedIn export') });
    const result = parseLinkedInExport(zip);
    expect(result.ok && result.files).toEqual(['Profile.csv', 'export/Skills.csv']);
    expect(profileOf(result)).toMatchObject({ firstName: 'Hanako', lastName: 'Yamada', skills: ['Go'] });
  });

  it('finds the directory behind a 65,535-byte comment that contains a fake end record', () => {
    const comment = new Uint8Array(0xffff).fill(0x20);
    comment.set([0x50, 0x4b, 0x05, 0x06], 0xffff - 40); // a signature whose "comment" would not fit
    expect(profileOf(parseLinkedInExport(rawZip([rawEntry('Profile.csv', profile)], { comment }))).firstName).toBe('Hanako');
  });

  it('takes sizes from the central directory (zeros in the local header, as with a data descriptor)', () => {
    const entry = { ...rawEntry('Profile.csv', profile), flags: 0x0808, localSizes: { compressed: 0, size: 0 }, localExtra: new Uint8Array(12).fill(7) };
    expect(profileOf(parseLinkedInExport(rawZip([entry]))).lastName).toBe('Yamada');
  });

  it('reads a name not flagged UTF-8 (CP437) like any other', () => {
    expect(parseLinkedInExport(rawZip([{ ...rawEntry('PROFILE.CSV', profile), flags: 0 }])).ok).toBe(true);
  });

  it('a lying entry (claims 2 MB, really inflates to 50 MB) → tooLarge, inflating no more than the limit', () => {
    const data = deflateRawSync(Buffer.alloc(50 * 1024 * 1024, 'a'), { level: 9 });
    expect(data.byteLength).toBeLessThan(100_000);
    for (const claimed of [MAX_FILE_BYTES, 1024]) {
      const zip = rawZip([{ name: 'Profile.csv', data, method: 8, size: claimed }]);
      expect(errorOf(parseLinkedInExport(zip))).toBe('tooLarge');
    }
  });

  it('an entry that inflates to other than its declared size, under the limit → unreadable', () => {
    const entry = rawEntry('Profile.csv', profile);
    expect(errorOf(parseLinkedInExport(rawZip([{ ...entry, size: entry.size - 1 }])))).toBe('unreadable');
    expect(errorOf(parseLinkedInExport(rawZip([{ ...entry, size: entry.size + 1 }])))).toBe('unreadable');
  });

  it('a stored entry over the limit → tooLarge; one whose sizes disagree → unreadable', () => {
    const big = new Uint8Array(MAX_FILE_BYTES + 1).fill(0x61);
    expect(errorOf(parseLinkedInExport(rawZip([{ name: 'Profile.csv', data: big, method: 0, size: 10 }])))).toBe('tooLarge');
    expect(errorOf(parseLinkedInExport(rawZip([{ ...rawEntry('Profile.csv', profile, 0), size: 10 }])))).toBe('unreadable');
  });

  it.each([
    ['bzip2 (12)', 12],
    ['LZMA (14)', 14],
    ['deflate64 (9)', 9],
  ])('an entry compressed with %s → unreadable', (_label, method) => {
    expect(errorOf(parseLinkedInExport(rawZip([{ ...rawEntry('Profile.csv', profile, 0), method }])))).toBe('unreadable');
  });

  it('unsupported entries we do not read are not a problem', () => {
    const zip = rawZip([{ ...rawEntry('messages.csv', 'x', 0), method: 12 }, rawEntry('Profile.csv', profile)]);
    expect(parseLinkedInExport(zip).ok).toBe(true);
  });

  it('an encrypted entry → unreadable', () => {
    expect(errorOf(parseLinkedInExport(rawZip([{ ...rawEntry('Profile.csv', profile), flags: 0x0801 }])))).toBe('unreadable');
  });

  it('a truncated deflate stream → unreadable', () => {
    const entry = rawEntry('Profile.csv', 'First Name\r\n' + 'Hanako '.repeat(500));
    expect(errorOf(parseLinkedInExport(rawZip([{ ...entry, data: entry.data.subarray(0, entry.data.length >> 1) }])))).toBe('unreadable');
  });

  it('a ZIP cut in the middle of its central directory → notZip', () => {
    const zip = sampleLinkedInZip();
    const directory = new DataView(zip.buffer, zip.byteOffset).getUint32(zip.length - 6, true);
    expect(errorOf(parseLinkedInExport(zip.subarray(0, directory + 100)))).toBe('notZip');
  });

  it('never throws and never succeeds on any truncation of an export', () => {
    const zip = sampleLinkedInZip();
    for (let cut = 0; cut < zip.length; cut += 7) {
      const result = parseLinkedInExport(zip.subarray(0, cut));
      expect(result.ok ? 'ok' : result.error, `cut at ${cut}`).toMatch(/^(notZip|unreadable)$/);
    }
  });

  describe('inconsistent headers → unreadable', () => {
    /** A one-entry archive with `patch` applied to its bytes (offsets relative to the end record). */
    const patched = (patch: (view: DataView, eocd: number, central: number) => void): Uint8Array => {
      const zip = rawZip([rawEntry('Profile.csv', profile)]);
      const view = new DataView(zip.buffer);
      const eocd = zip.length - 22;
      patch(view, eocd, view.getUint32(eocd + 16, true));
      return zip;
    };

    it.each<[string, (view: DataView, eocd: number, central: number) => void]>([
      ['directory offset past the end', (v, e) => v.setUint32(e + 16, 0x7fffffff, true)],
      ['directory size past the end record', (v, e) => v.setUint32(e + 12, 1000, true)],
      ['more entries than the directory holds', (v, e) => (v.setUint16(e + 8, 2, true), v.setUint16(e + 10, 2, true))],
      ['a spanned (multi-disk) archive', (v, e) => v.setUint16(e + 4, 1, true)],
      ['ZIP64 markers', (v, e) => v.setUint32(e + 16, 0xffffffff, true)],
      ['a bad central header signature', (v, _e, c) => v.setUint32(c, 0x12345678, true)],
      ['a name running past the directory', (v, _e, c) => v.setUint16(c + 28, 500, true)],
      ['a local header offset past the end', (v, _e, c) => v.setUint32(c + 42, 0xfffffff0, true)],
      ['a local header offset that misses the header', (v, _e, c) => v.setUint32(c + 42, 1, true)],
      ['a compressed size running past the end', (v, _e, c) => v.setUint32(c + 20, 1_000_000, true)],
      ['a local extra field running past the end', (v) => v.setUint16(28, 0xffff, true)],
    ])('%s', (_label, patch) => {
      expect(errorOf(parseLinkedInExport(patched(patch)))).toBe('unreadable');
    });

    it('a ZIP64 end-of-directory locator', () => {
      const zip = rawZip([rawEntry('Profile.csv', profile)]);
      const locator = new Uint8Array(20);
      new DataView(locator.buffer).setUint32(0, 0x07064b50, true);
      const eocd = zip.subarray(zip.length - 22);
      const withLocator = new Uint8Array([...zip.subarray(0, zip.length - 22), ...locator, ...eocd]);
      expect(errorOf(parseLinkedInExport(withLocator))).toBe('unreadable');
    });
  });
});

/** Rewrites the uncompressed size of `name` in its local and central headers. */
function lieAboutSizes(zip: Uint8Array, name: string, size: number): void {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const nameBytes = strToU8(name);
  const nameAt = (offset: number) => nameBytes.every((b, i) => zip[offset + i] === b);
  let patched = 0;
  for (let i = 0; i + 46 < zip.length; i++) {
    const signature = view.getUint32(i, true);
    if (signature === 0x04034b50 && nameAt(i + 30)) {
      view.setUint32(i + 22, size, true);
      patched++;
    } else if (signature === 0x02014b50 && nameAt(i + 46)) {
      view.setUint32(i + 24, size, true);
      patched++;
    }
  }
  if (patched !== 2) throw new Error(`patched ${patched} headers`);
}
