/**
 * Reading the data export ZIP that LinkedIn lets members download ("Get a copy of your
 * data") so they can prefill their alumni profile. Pure functions: nothing is fetched, no
 * database, never throws. Only Profile.csv, Positions.csv and Skills.csv are inflated, with
 * size limits against zip bombs; every other file in the export (connections, messages,
 * e-mail addresses, phone numbers…) is skipped without being decompressed. The ZIP is read
 * by a small reader below, with zlib's hard output limit, not by a library (see readEntry).
 */
import { parse } from 'csv-parse/sync';
import { inflateRawSync } from 'node:zlib';

export interface LinkedInPosition {
  company: string;
  title: string;
  description: string;
  location: string;
  /** 'YYYY-MM' (month 01 when only a year is given); null when unknown. */
  from: string | null;
  /** 'YYYY-MM'; null means a current position (or an unreadable date). */
  to: string | null;
}

export interface LinkedInProfile {
  firstName: string;
  lastName: string;
  headline: string;
  summary: string;
  industry: string;
  location: string;
  websites: string[];
  positions: LinkedInPosition[];
  skills: string[];
}

export type LinkedInError = 'notZip' | 'noLinkedInFiles' | 'tooLarge' | 'unreadable';

export type LinkedInResult = { ok: true; profile: LinkedInProfile; files: string[] } | { ok: false; error: LinkedInError };

/** Largest export we accept at all (a real one without media is well under 1 MB). */
export const MAX_ZIP_BYTES = 20 * 1024 * 1024;
/** Largest size, compressed or inflated, of any one CSV we read. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export const LIMITS = {
  name: 100,
  headline: 200,
  summary: 4000,
  industry: 200,
  location: 200,
  positionField: 200,
  description: 2000,
  skill: 50,
  skills: 100,
  positions: 50,
  websites: 5,
  url: 2048,
} as const;

const WANTED = ['profile.csv', 'positions.csv', 'skills.csv'] as const;
type Wanted = (typeof WANTED)[number];

/** Parses a LinkedIn data export ZIP into the few profile fields Kizuna imports. */
export function parseLinkedInExport(zip: Uint8Array): LinkedInResult {
  try {
    return parseUnsafe(zip);
  } catch {
    return { ok: false, error: 'unreadable' };
  }
}

function parseUnsafe(zip: Uint8Array): LinkedInResult {
  if (!(zip instanceof Uint8Array)) return { ok: false, error: 'notZip' };
  if (zip.byteLength > MAX_ZIP_BYTES) return { ok: false, error: 'tooLarge' };
  // The end-of-central-directory record alone is 22 bytes.
  if (zip.byteLength < EOCD_SIZE) return { ok: false, error: 'notZip' };

  const directory = readDirectory(zip);
  if (!Array.isArray(directory)) return { ok: false, error: directory };

  const chosen = new Map<Wanted, ZipEntry>();
  let budget = WANTED.length * MAX_FILE_BYTES;
  for (const entry of directory) {
    const wanted = wantedName(entry.name);
    if (!wanted) continue;
    // The declared sizes are checked before anything is inflated; inflating itself stops
    // at MAX_FILE_BYTES whatever they say (see readEntry).
    if (entry.size > MAX_FILE_BYTES || entry.compressedSize > MAX_FILE_BYTES) return { ok: false, error: 'tooLarge' };
    // One entry per wanted file: the shallowest path wins (then the first one listed).
    const current = chosen.get(wanted);
    if (current !== undefined && depth(current.name) <= depth(entry.name)) continue;
    // Every candidate spends from one budget, so an archive listing many of them (deepest
    // first) is refused as it always was, even though only the final choices are inflated.
    budget -= Math.max(entry.size, entry.compressedSize);
    if (budget < 0) return { ok: false, error: 'tooLarge' };
    chosen.set(wanted, entry);
  }
  if (chosen.size === 0) return { ok: false, error: 'noLinkedInFiles' };

  const contents = new Map<Wanted, Uint8Array>();
  for (const [wanted, entry] of chosen) {
    const bytes = readEntry(zip, entry);
    if (!(bytes instanceof Uint8Array)) return { ok: false, error: bytes };
    contents.set(wanted, bytes);
  }

  /** Rows of one wanted file: [] when absent, null when it is not UTF-8 or not valid CSV. */
  const rows = (wanted: Wanted): Row[] | null => {
    const bytes = contents.get(wanted);
    if (bytes === undefined) return [];
    const text = decodeUtf8(bytes);
    return text === null ? null : readCsv(text);
  };

  const profileRows = rows('profile.csv');
  const positionRows = rows('positions.csv');
  const skillRows = rows('skills.csv');
  if (!profileRows || !positionRows || !skillRows) return { ok: false, error: 'unreadable' };

  const profile = toProfile(profileRows[0] ?? new Map());
  profile.positions = toPositions(positionRows);
  profile.skills = toSkills(skillRows);
  const files = WANTED.flatMap((wanted) => {
    const entry = chosen.get(wanted);
    return entry === undefined ? [] : [entry.name];
  });
  return { ok: true, profile, files };
}

/** Which of the three CSVs an entry is, by base name in any folder, case-insensitively. */
function wantedName(path: string): Wanted | null {
  const parts = path.split(/[/\\]/);
  // Finder's AppleDouble copies (`__MACOSX/…`) are not the real files.
  if (parts.some((part) => part.toLowerCase() === '__macosx')) return null;
  const base = (parts[parts.length - 1] ?? '').toLowerCase();
  return (WANTED as readonly string[]).includes(base) ? (base as Wanted) : null;
}

function depth(path: string): number {
  return path.split(/[/\\]/).length;
}

/*
 * A minimal ZIP reader (APPNOTE.TXT §4.3). We do not use a library to inflate because the
 * one we had (fflate) sizes its output by what the archive claims but keeps inflating the
 * real stream: an entry claiming 2 MB that really expands to 400 MB kept the event loop busy
 * for seconds. Here every entry is inflated by zlib with a hard output limit, enforced in
 * native code, so a lying entry costs at most MAX_FILE_BYTES of work. Only what a LinkedIn
 * export needs is supported: one disk, no ZIP64, no encryption, stored or deflated entries.
 */

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const CENTRAL_SIGNATURE = 0x02014b50;
const CENTRAL_SIZE = 46;
const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  /** Uncompressed size, as the central directory declares it. */
  size: number;
  localOffset: number;
}

/**
 * The central directory's entries, or why there is none: 'notZip' when no end-of-central-
 * directory record is found, 'unreadable' when there is one but the directory it points to
 * is inconsistent (or uses ZIP64 or several disks, which a LinkedIn export never does).
 */
function readDirectory(zip: Uint8Array): ZipEntry[] | LinkedInError {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = findEndOfCentralDirectory(zip, view);
  if (eocd < 0) return 'notZip';

  const disk = view.getUint16(eocd + 4, true);
  const directoryDisk = view.getUint16(eocd + 6, true);
  const entriesOnDisk = view.getUint16(eocd + 8, true);
  const entryCount = view.getUint16(eocd + 10, true);
  const directorySize = view.getUint32(eocd + 12, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  const zip64 =
    (eocd >= ZIP64_LOCATOR_SIZE && view.getUint32(eocd - ZIP64_LOCATOR_SIZE, true) === ZIP64_LOCATOR_SIGNATURE) ||
    entryCount === 0xffff ||
    directorySize === 0xffffffff ||
    directoryOffset === 0xffffffff;
  if (zip64) return 'unreadable';
  if (disk !== 0 || directoryDisk !== 0 || entriesOnDisk !== entryCount) return 'unreadable';
  const directoryEnd = directoryOffset + directorySize;
  if (directoryEnd > eocd) return 'unreadable';

  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < entryCount; i++) {
    if (at + CENTRAL_SIZE > directoryEnd || view.getUint32(at, true) !== CENTRAL_SIGNATURE) return 'unreadable';
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const next = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > directoryEnd) return 'unreadable';
    entries.push({
      name: decodeName(zip.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength), (flags & FLAG_UTF8) !== 0),
      flags,
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    });
    at = next;
  }
  return entries;
}

/**
 * Offset of the end-of-central-directory record, scanning back from the end over at most a
 * 65,535-byte archive comment; -1 when there is none. A candidate only counts when its
 * comment fits in what follows it, so stray signature bytes in the comment are skipped.
 */
function findEndOfCentralDirectory(zip: Uint8Array, view: DataView): number {
  const lowest = Math.max(0, zip.byteLength - EOCD_SIZE - MAX_COMMENT);
  for (let at = zip.byteLength - EOCD_SIZE; at >= lowest; at--) {
    if (zip[at] !== 0x50 || view.getUint32(at, true) !== EOCD_SIGNATURE) continue;
    if (at + EOCD_SIZE + view.getUint16(at + 20, true) <= zip.byteLength) return at;
  }
  return -1;
}

/** Entry names: UTF-8 when flagged (bit 11), else CP437, read here as Latin-1 (same for ASCII). */
function decodeName(bytes: Uint8Array, utf8: boolean): string {
  if (utf8) return new TextDecoder('utf-8').decode(bytes);
  let name = '';
  for (const byte of bytes) name += String.fromCharCode(byte);
  return name;
}

/**
 * The uncompressed bytes of one entry, never more than MAX_FILE_BYTES: 'tooLarge' when the
 * data inflates past that (whatever the headers said), 'unreadable' for anything broken,
 * encrypted or compressed with another method than stored or deflate.
 */
function readEntry(zip: Uint8Array, entry: ZipEntry): Uint8Array | LinkedInError {
  if ((entry.flags & FLAG_ENCRYPTED) !== 0) return 'unreadable';
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const local = entry.localOffset;
  if (local + LOCAL_SIZE > zip.byteLength || view.getUint32(local, true) !== LOCAL_SIGNATURE) return 'unreadable';
  // The data starts after the local header's own name and extra field, whose lengths may
  // differ from the central directory's; its sizes come from the central directory, which
  // is authoritative (the local copies are zero when a data descriptor follows the data).
  const start = local + LOCAL_SIZE + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const end = start + entry.compressedSize;
  if (end > zip.byteLength) return 'unreadable';
  const data = zip.subarray(start, end);

  if (entry.method === METHOD_STORED) {
    if (entry.compressedSize > MAX_FILE_BYTES) return 'tooLarge';
    return entry.compressedSize === entry.size ? data : 'unreadable';
  }
  if (entry.method !== METHOD_DEFLATE) return 'unreadable';
  if (entry.compressedSize === 0 && entry.size === 0) return new Uint8Array(0);
  let inflated: Uint8Array;
  try {
    // maxOutputLength makes zlib stop, in native code, as soon as the output passes the
    // limit: an archive lying about its sizes cannot make us inflate more than that.
    inflated = inflateRawSync(data, { maxOutputLength: MAX_FILE_BYTES });
  } catch (error) {
    return isTooLarge(error) ? 'tooLarge' : 'unreadable';
  }
  // An entry that inflates to another size than it declared is damaged (or lying).
  return inflated.byteLength === entry.size ? inflated : 'unreadable';
}

/** Node's error when inflating would pass maxOutputLength. */
function isTooLarge(error: unknown): boolean {
  return error instanceof RangeError && (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    // LinkedIn writes UTF-8; the BOM, when present, is dropped here (and by csv-parse).
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

type Row = Map<string, string>;

/** Rows keyed by normalised header; null when the CSV is broken. */
function readCsv(text: string): Row[] | null {
  let records: Record<string, unknown>[];
  try {
    records = parse(text, {
      bom: true,
      columns: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as Record<string, unknown>[];
  } catch {
    return null;
  }
  return records.map((record) => {
    const row: Row = new Map();
    for (const [key, value] of Object.entries(record)) {
      const header = normHeader(key);
      if (typeof value === 'string' && !row.has(header)) row.set(header, value);
    }
    return row;
  });
}

/** 'First Name', 'first name' and 'FIRST_NAME' all become 'firstname'. */
function normHeader(header: string): string {
  return header.toLowerCase().replace(/[\s_-]+/g, '');
}

function cell(row: Row, header: string): string {
  return row.get(normHeader(header)) ?? '';
}

function toProfile(row: Row): LinkedInProfile {
  // Deliberately NOT read: Maiden Name, Address, Birth Date, Zip Code, Twitter Handles and
  // Instant Messengers. The alumni network does not need them, so they never leave this
  // function (data minimisation: we do not import what we would then have to protect).
  return {
    firstName: line(cell(row, 'First Name'), LIMITS.name),
    lastName: line(cell(row, 'Last Name'), LIMITS.name),
    headline: line(cell(row, 'Headline'), LIMITS.headline),
    summary: block(cell(row, 'Summary'), LIMITS.summary),
    industry: line(cell(row, 'Industry'), LIMITS.industry),
    location: line(cell(row, 'Geo Location'), LIMITS.location),
    websites: parseWebsites(cell(row, 'Websites')),
    positions: [],
    skills: [],
  };
}

function toPositions(rows: Row[]): LinkedInPosition[] {
  const positions = rows
    .map(
      (row): LinkedInPosition => ({
        company: line(cell(row, 'Company Name'), LIMITS.positionField),
        title: line(cell(row, 'Title'), LIMITS.positionField),
        description: block(cell(row, 'Description'), LIMITS.description),
        location: line(cell(row, 'Location'), LIMITS.positionField),
        from: parseLinkedInDate(cell(row, 'Started On')),
        to: parseLinkedInDate(cell(row, 'Finished On')),
      }),
    )
    .filter((p) => p.company !== '' || p.title !== '');
  return sortPositions(positions).slice(0, LIMITS.positions);
}

/** Newest first: current positions (no end) first, then by end, then by start, descending. */
export function sortPositions(positions: LinkedInPosition[]): LinkedInPosition[] {
  const desc = (a: string | null, b: string | null): number => {
    if (a === b) return 0;
    if (a === null) return 1; // unknown dates last
    if (b === null) return -1;
    return a < b ? 1 : -1;
  };
  return [...positions].sort((a, b) => {
    const aCurrent = a.to === null;
    const bCurrent = b.to === null;
    if (aCurrent !== bCurrent) return aCurrent ? -1 : 1;
    return desc(a.to, b.to) || desc(a.from, b.from);
  });
}

function toSkills(rows: Row[]): string[] {
  const seen = new Set<string>();
  const skills: string[] = [];
  for (const row of rows) {
    const skill = line(cell(row, 'Name'), LIMITS.skill);
    const key = skill.toLocaleLowerCase('en');
    if (skill === '' || seen.has(key)) continue;
    seen.add(key);
    skills.push(skill);
    if (skills.length >= LIMITS.skills) break;
  }
  return skills;
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};

/**
 * LinkedIn dates to 'YYYY-MM': 'Mar 2015', 'March 2015', '2015', '03/2015', '2015-03',
 * '2015/03', '2015年3月', '3月 2015'. A year alone becomes month 01. Anything else → null.
 */
export function parseLinkedInDate(value: string): string | null {
  const s = value.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (s === '') return null;
  let year: number | undefined;
  let month: number | undefined;
  let m: RegExpMatchArray | null;
  if ((m = /^(\d{4})$/.exec(s))) {
    year = Number(m[1]);
    month = 1;
  } else if ((m = /^([A-Za-z]+)\.?,? (\d{4})$/.exec(s))) {
    month = MONTHS[(m[1] ?? '').toLowerCase()];
    year = Number(m[2]);
  } else if ((m = /^(\d{1,2})[/.-](\d{4})$/.exec(s))) {
    month = Number(m[1]);
    year = Number(m[2]);
  } else if ((m = /^(\d{4})[/.-](\d{1,2})$/.exec(s))) {
    year = Number(m[1]);
    month = Number(m[2]);
  } else if ((m = /^(\d{4}) ?年 ?(\d{1,2}) ?月$/.exec(s))) {
    year = Number(m[1]);
    month = Number(m[2]);
  } else if ((m = /^(\d{1,2}) ?月 ?(\d{4})(?: ?年)?$/.exec(s))) {
    month = Number(m[1]);
    year = Number(m[2]);
  }
  if (year === undefined || month === undefined) return null;
  if (!Number.isInteger(year) || year < 1900 || year > 2100) return null;
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  return `${year}-${String(month).padStart(2, '0')}`;
}

/**
 * Websites as LinkedIn writes them: `[PORTFOLIO:https://a.example],[COMPANY:https://b.example]`
 * or a plain list of URLs. Only absolute http(s) URLs survive (no `javascript:`, `data:`…),
 * normalised by the URL parser, deduplicated, at most five.
 */
export function parseWebsites(value: string): string[] {
  const tokens = value.includes('[')
    ? [...value.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '')
    : value.split(/[,\s]+/);
  const urls: string[] = [];
  for (const raw of tokens) {
    let candidate = raw.trim();
    // Drop a `LABEL:` prefix when what follows is itself a URL with a scheme.
    const labelled = /^[A-Za-z][A-Za-z0-9 _-]*:\s*([A-Za-z][A-Za-z0-9+.-]*:.*)$/.exec(candidate);
    if (labelled && !/^https?:\/\//i.test(candidate)) candidate = (labelled[1] ?? '').trim();
    const url = safeHttpUrl(candidate);
    if (url !== null && !urls.includes(url)) urls.push(url);
    if (urls.length >= LIMITS.websites) break;
  }
  return urls;
}

function safeHttpUrl(candidate: string): string | null {
  // Checked on the raw text too: the URL parser silently strips tabs and newlines, which
  // would otherwise let `java\tscript:` style tricks through a scheme check.
  if (candidate.length > LIMITS.url || !/^https?:\/\/[^\s<>"'`\\]+$/i.test(candidate)) return null;
  try {
    const url = new URL(candidate);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
    if (url.username !== '' || url.password !== '') return null;
    return url.href;
  } catch {
    return null;
  }
}

// C0/C1 control characters other than tab and newline, and bidi overrides/isolates (which
// can make displayed text read differently from what it is), are removed from what we keep.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** A single-line field: whitespace collapsed, trimmed, capped. */
function line(value: string, max: number): string {
  return cap(value.normalize('NFC').replace(CONTROL, '').replace(/\s+/g, ' ').trim(), max);
}

/** A multi-line field: line breaks kept (as \n), at most one blank line in a row, capped. */
function block(value: string, max: number): string {
  const text = value
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .split('\n')
    .map((l) => l.replace(/[^\S\n]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return cap(text, max);
}

/** At most `max` UTF-16 units, never splitting a surrogate pair (emoji, rare kanji). */
function cap(value: string, max: number): string {
  if (value.length <= max) return value;
  return value.slice(0, max).replace(/[\uD800-\uDBFF]$/, '').trim();
}
