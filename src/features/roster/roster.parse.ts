/**
 * Reading HR leaver lists as Excel and HR systems export them: UTF-8 (with or without
 * BOM) or Shift_JIS/CP932, comma or tab separated, Japanese headers, dates in the usual
 * Japanese formats (including 和暦). Pure functions: no database here.
 */
import iconv from 'iconv-lite';

export type Encoding = 'utf-8' | 'shift_jis';

export const ROSTER_FIELDS = [
  'employeeNumber',
  'name',
  'nameKana',
  'nameRomaji',
  'department',
  'title',
  'joinedOn',
  'leftOn',
  'leaveReasonCategory',
  'rehireEligible',
  'personalEmail',
  'contactConsent',
  'departmentFrom',
  'departmentTo',
] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];
export const REQUIRED_FIELDS: readonly RosterField[] = ['employeeNumber', 'name'];

/** Header spellings seen in Japanese HR exports (compared after normalisation). */
const SYNONYMS: Record<RosterField, string[]> = {
  employeeNumber: ['社員番号', '従業員番号', '社員no', '社員コード', '従業員コード', '社員id', 'employeenumber', 'employeeid', 'employeeno', 'staffid'],
  name: ['氏名', '名前', '社員名', '氏名漢字', 'name', 'fullname'],
  nameKana: ['氏名カナ', '氏名かな', 'フリガナ', 'ふりがな', 'カナ氏名', 'よみがな', 'ヨミガナ', '氏名フリガナ', 'カナ', 'kana', 'namekana'],
  nameRomaji: ['氏名ローマ字', 'ローマ字', '英字氏名', '氏名英字', 'romaji', 'nameromaji', 'englishname'],
  department: ['部署', '所属', '部門', '所属部署', '最終所属', '退職時所属', '部署名', 'department', 'dept'],
  title: ['役職', '職位', '役職名', 'title', 'position'],
  joinedOn: ['入社日', '入社年月日', 'joinedon', 'joindate', 'hiredate', 'startdate'],
  leftOn: ['退職日', '退職年月日', 'leftOn', 'leavedate', 'leftdate', 'enddate', 'terminationdate'],
  leaveReasonCategory: ['退職理由区分', '退職理由', '退職区分', 'leavereason', 'leavereasoncategory'],
  rehireEligible: ['再雇用可否', '再雇用', '再入社可否', 'rehireeligible', 'rehire'],
  personalEmail: ['個人メールアドレス', '個人メール', '私用メール', '私用メールアドレス', '連絡先メール', 'personalemail', 'email', 'メールアドレス'],
  contactConsent: ['連絡同意', '連絡可否', '案内同意', '同意', 'contactconsent', 'consent'],
  departmentFrom: ['所属開始日', '配属日', '部署開始日', 'departmentfrom'],
  departmentTo: ['所属終了日', '部署終了日', '異動日', 'departmentto'],
};

/** NFKC, lower case, no spaces or brackets: "氏名(カナ)" and "氏名(カナ)" and "氏名 カナ" match. */
export function normaliseHeader(h: string): string {
  return h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-・/()()[\]【】「」]/g, '');
}

const SYNONYM_INDEX = new Map<string, RosterField>(
  Object.entries(SYNONYMS).flatMap(([field, names]) => names.map((n) => [normaliseHeader(n), field as RosterField] as const)),
);

export type Mapping = Partial<Record<RosterField, number>>;

/** Maps recognised headers to fields; a `remembered` mapping (by header text) wins. */
export function guessMapping(headers: string[], remembered: Record<string, RosterField> = {}): Mapping {
  const mapping: Mapping = {};
  headers.forEach((h, i) => {
    const field = remembered[h] ?? SYNONYM_INDEX.get(normaliseHeader(h));
    if (field && mapping[field] === undefined) mapping[field] = i;
  });
  return mapping;
}

/** Decodes bytes: a UTF-8 BOM or valid UTF-8 → UTF-8; otherwise Shift_JIS (CP932). */
export function decode(buf: Uint8Array, encoding: Encoding | 'auto' = 'auto'): { text: string; encoding: Encoding } {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (encoding === 'shift_jis') return { text: iconv.decode(bytes, 'cp932'), encoding };
  if (encoding === 'utf-8' || hasBom) return { text: new TextDecoder('utf-8').decode(hasBom ? bytes.subarray(3) : bytes), encoding: 'utf-8' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(bytes, 'cp932'), encoding: 'shift_jis' };
  }
}

/** Tab if the header line has more tabs than commas. */
export function detectDelimiter(text: string): ',' | '\t' {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const tabs = firstLine.split('\t').length;
  const commas = firstLine.split(',').length;
  return tabs > commas ? '\t' : ',';
}

export class TableParseError extends Error {
  constructor(
    public readonly line: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses CSV/TSV as Excel writes it (RFC 4180: quoted cells, doubled quotes, newlines inside
 * quotes; a stray quote inside an unquoted cell is kept as text) and drops blank lines.
 * Hand-written because it runs on 100,000-row files: several times faster than a general
 * parser. `line` is where each record starts (1 = the header line).
 */
export function parseTable(text: string): { headers: string[]; rows: { line: number; cells: string[] }[] } {
  const records: { line: number; cells: string[] }[] = [];
  forEachRecord(text, (line, cells) => {
    records.push({ line, cells });
  });
  const [head, ...body] = records;
  if (!head) return { headers: [], rows: [] };
  return {
    headers: head.cells.map((h) => h.trim()),
    rows: body.filter((r) => r.cells.some((c) => c.trim() !== '')),
  };
}

/**
 * Calls `onRecord` for every non-empty record, in order, without keeping them: a caller
 * that validates as it goes holds one row at a time instead of the whole file.
 */
export function forEachRecord(text: string, onRecord: (line: number, cells: string[]) => void): void {
  const delimiter = detectDelimiter(text);
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const cells: string[] = [];
    for (;;) {
      let cell: string;
      if (text.charCodeAt(i) === 34 /* " */) {
        // Quoted cell: runs to the closing quote; "" is a quote.
        let out = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q === -1) throw new TableParseError(startLine, `unterminated quoted cell starting on line ${startLine}`);
          const chunk = text.slice(from, q);
          for (let k = chunk.indexOf('\n'); k !== -1; k = chunk.indexOf('\n', k + 1)) line++;
          out += chunk;
          if (text.charCodeAt(q + 1) === 34) {
            out += '"';
            from = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        // Anything between the closing quote and the delimiter is kept (Excel does the same).
        let j = i;
        while (j < n && text.charCodeAt(j) !== d && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
        cell = out + text.slice(i, j);
        i = j;
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === d || c === 10 || c === 13) break;
          j++;
        }
        cell = text.slice(i, j);
        i = j;
      }
      cells.push(cell);
      const c = text.charCodeAt(i);
      if (c === d) {
        i++;
        continue;
      }
      // End of record: \r\n, \n, \r or end of text.
      if (c === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      line++;
      break;
    }
    if (cells.length > 1 || cells[0] !== '') onRecord(startLine, cells);
  }
}

/** NFKC, skipped for plain ASCII (most cells): normalisation is the costliest step per cell. */
export function nfkc(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u007f]/.test(s) ? s.normalize('NFKC') : s;
}

const ERAS: Record<string, number> = { 令和: 2018, r: 2018, 平成: 1988, h: 1988, 昭和: 1925, s: 1925 };

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function ymd(y: number, m: number, d: number): string | 'impossible' {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return 'impossible';
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (m === 2 && leap ? 29 : DAYS[m - 1]!)) return 'impossible';
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export type DateResult = { ok: true; value: string | null } | { ok: false; reason: 'invalidDate' | 'impossibleDate' };

/**
 * Parses the date formats of Japanese HR exports: 2023/04/01, 2023-4-1, 2023.4.1,
 * 2023年4月1日, 令和5年4月1日, R5.4.1, H30/4/1, 20230401, and Excel serial numbers.
 * Empty → null.
 */
export function parseDate(raw: string): DateResult {
  if (raw === '') return { ok: true, value: null };
  // Fast path for the common ASCII forms (2023/04/01, 2023-4-1).
  const fast = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(raw);
  if (fast) return result(ymd(Number(fast[1]), Number(fast[2]), Number(fast[3])));
  const s = nfkc(raw).trim().replace(/\s+/g, '');
  if (s === '') return { ok: true, value: null };
  let m = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?:T.*|\d{1,2}:\d{2}(?::\d{2})?)?$/.exec(s) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(s);
  if (m) return result(ymd(Number(m[1]), Number(m[2]), Number(m[3])));
  m = /^(令和|平成|昭和|[RHSrhs])(元|\d{1,2})[年/.-](\d{1,2})[月/.-](\d{1,2})日?$/.exec(s);
  if (m) {
    const base = ERAS[m[1]!.toLowerCase()] ?? ERAS[m[1]!]!;
    const year = m[2] === '元' ? 1 : Number(m[2]);
    return result(ymd(base + year, Number(m[3]), Number(m[4])));
  }
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return result(ymd(Number(m[1]), Number(m[2]), Number(m[3])));
  // Excel serial day numbers (1900 date system; 25569 = 1970-01-01), seen when a column lost its format.
  if (/^\d{5}$/.test(s)) {
    const n = Number(s);
    if (n > 1 && n < 80000) {
      const d = new Date((n - 25569) * 86400000);
      return { ok: true, value: d.toISOString().slice(0, 10) };
    }
  }
  return { ok: false, reason: 'invalidDate' };
}

function result(v: string | 'impossible'): DateResult {
  return v === 'impossible' ? { ok: false, reason: 'impossibleDate' } : { ok: true, value: v };
}

/** 再雇用可否: 可/○/yes → yes, 否/×/no → no, blank/other → unknown. */
const REHIRE_YES = new Set(['可', '○', '〇', 'yes', 'y', 'true', '1', 'ok', '可能', '再雇用可']);
const REHIRE_NO = new Set(['否', '×', 'x', 'no', 'n', 'false', '0', '不可', '再雇用不可']);
const REHIRE_UNKNOWN = new Set(['', '未定', '不明', '-', '要確認', 'unknown']);

export function parseRehire(raw: string): 'yes' | 'no' | 'unknown' | null {
  const s = nfkc(raw).trim().toLowerCase();
  if (REHIRE_YES.has(s)) return 'yes';
  if (REHIRE_NO.has(s)) return 'no';
  if (REHIRE_UNKNOWN.has(s)) return 'unknown';
  return null;
}

/** 連絡同意: 有/同意/yes → true; blank, 無, no → false. Unknown spellings → null (an error). */
const CONSENT_YES = new Set(['有', 'あり', '同意', '同意済', '同意する', '可', '○', '〇', 'yes', 'y', 'true', '1']);
const CONSENT_NO = new Set(['', '無', 'なし', '不同意', '同意しない', '否', '×', 'x', 'no', 'n', 'false', '0', '-']);

export function parseConsent(raw: string): boolean | null {
  const s = nfkc(raw).trim().toLowerCase();
  if (CONSENT_YES.has(s)) return true;
  if (CONSENT_NO.has(s)) return false;
  return null;
}

/** Spreadsheet formulas in a cell (="…") arrive as text: keep the text, drop the formula wrapper. */
export function cleanCell(raw: string | undefined): string {
  if (!raw) return '';
  let s = raw.includes('\u0000') ? raw.replaceAll('\u0000', '').trim() : raw.trim();
  if (s.charCodeAt(0) === 61 /* = */) {
    const formula = /^="(.*)"$/s.exec(s);
    if (formula) s = formula[1]!.replace(/""/g, '"');
  }
  return s;
}

export type RowErrorCode =
  | 'required'
  | 'invalidDate'
  | 'impossibleDate'
  | 'leaveBeforeJoin'
  | 'invalidEmail'
  | 'duplicateEmployeeNumber'
  | 'invalidRehire'
  | 'invalidConsent'
  | 'tooLong';

export interface RowError {
  /** Line in the file (1 = header line). */
  line: number;
  field: RosterField | null;
  code: RowErrorCode;
  value?: string;
}

export interface RosterRow {
  line: number;
  employeeNumber: string;
  name: string;
  nameKana: string | null;
  nameRomaji: string | null;
  department: string | null;
  title: string | null;
  joinedOn: string | null;
  leftOn: string | null;
  leaveReasonCategory: string | null;
  rehireEligible: 'yes' | 'no' | 'unknown';
  personalEmail: string | null;
  contactConsent: boolean;
  departmentFrom: string | null;
  departmentTo: string | null;
}

const EMAIL = /^[^\s@"<>(),;:]+@[^\s@"<>(),;:]+\.[^\s@"<>(),;:]{2,}$/;
const MAX_TEXT = 200;

/**
 * Checks every row and returns the valid ones plus row-level errors. A person may appear
 * on several lines only with distinct department periods (their department history);
 * otherwise a repeated employee number is an error on every line after the first.
 */
export function validateRows(rows: { line: number; cells: string[] }[], mapping: Mapping): { valid: RosterRow[]; errors: RowError[] } {
  const v = createRowValidator(mapping);
  for (const { line, cells } of rows) v.push(line, cells);
  return { valid: v.valid, errors: v.errors };
}

/** Validates rows one at a time (see `validateRows`), keeping only the results. */
export function createRowValidator(mapping: Mapping): { push(line: number, cells: string[]): void; valid: RosterRow[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const valid: RosterRow[] = [];
  // Employee number → its first period key, or every period key once it repeats.
  const seen = new Map<string, string | Set<string>>();
  // Column index per field (-1: not mapped), resolved once. The loop below allocates no
  // closures: this runs on 100,000-row files.
  const col = {} as Record<RosterField, number>;
  for (const f of ROSTER_FIELDS) col[f] = mapping[f] ?? -1;
  const at = (cells: string[], i: number) => (i < 0 ? '' : cleanCell(cells[i]));
  const push = (line: number, cells: string[]): void => {
    const before = errors.length;
    const employeeNumber = nfkc(at(cells, col.employeeNumber));
    const name = nfkc(at(cells, col.name)).replace(/\s+/g, ' ');
    if (employeeNumber === '') errors.push({ line, field: 'employeeNumber', code: 'required' });
    if (name === '') errors.push({ line, field: 'name', code: 'required' });
    if (employeeNumber.length > 50) errors.push({ line, field: 'employeeNumber', code: 'tooLong', value: employeeNumber.slice(0, 40) });
    if (name.length > 100) errors.push({ line, field: 'name', code: 'tooLong', value: name.slice(0, 40) });
    const joinedOn = dateField(errors, line, 'joinedOn', at(cells, col.joinedOn));
    const leftOn = dateField(errors, line, 'leftOn', at(cells, col.leftOn));
    if (joinedOn && leftOn && leftOn < joinedOn) errors.push({ line, field: 'leftOn', code: 'leaveBeforeJoin', value: leftOn });
    const departmentFrom = dateField(errors, line, 'departmentFrom', at(cells, col.departmentFrom));
    const departmentTo = dateField(errors, line, 'departmentTo', at(cells, col.departmentTo));
    const emailRaw = nfkc(at(cells, col.personalEmail));
    if (emailRaw && (emailRaw.length > 254 || !EMAIL.test(emailRaw))) errors.push({ line, field: 'personalEmail', code: 'invalidEmail', value: emailRaw.slice(0, 60) });
    const rehireRaw = at(cells, col.rehireEligible);
    const rehire = parseRehire(rehireRaw);
    if (rehire === null) errors.push({ line, field: 'rehireEligible', code: 'invalidRehire', value: rehireRaw.slice(0, 40) });
    const consentRaw = at(cells, col.contactConsent);
    const consent = parseConsent(consentRaw);
    if (consent === null) errors.push({ line, field: 'contactConsent', code: 'invalidConsent', value: consentRaw.slice(0, 40) });
    const department = textField(errors, line, 'department', at(cells, col.department));
    if (employeeNumber) {
      const periodKey = `${department ?? ''}|${departmentFrom ?? ''}|${departmentTo ?? ''}`;
      const prior = seen.get(employeeNumber);
      if (prior === undefined) seen.set(employeeNumber, periodKey);
      else {
        const periods = typeof prior === 'string' ? new Set([prior]) : prior;
        if (periods.has(periodKey) || (!departmentFrom && !departmentTo)) {
          errors.push({ line, field: 'employeeNumber', code: 'duplicateEmployeeNumber', value: employeeNumber });
        } else periods.add(periodKey);
        seen.set(employeeNumber, periods);
      }
    }
    const nameKana = textField(errors, line, 'nameKana', at(cells, col.nameKana));
    const nameRomaji = textField(errors, line, 'nameRomaji', at(cells, col.nameRomaji));
    const title = textField(errors, line, 'title', at(cells, col.title));
    const leaveReasonCategory = textField(errors, line, 'leaveReasonCategory', at(cells, col.leaveReasonCategory));
    if (errors.length > before) return;
    valid.push({
      line,
      employeeNumber,
      name,
      nameKana,
      nameRomaji,
      department,
      title,
      joinedOn,
      leftOn,
      leaveReasonCategory,
      rehireEligible: rehire ?? 'unknown',
      personalEmail: emailRaw ? emailRaw.toLowerCase() : null,
      contactConsent: consent ?? false,
      departmentFrom,
      departmentTo,
    });
  };
  return { push, valid, errors };
}

function dateField(errors: RowError[], line: number, field: RosterField, raw: string): string | null {
  const r = parseDate(raw);
  if (r.ok) return r.value;
  errors.push({ line, field, code: r.reason, value: raw.slice(0, 40) });
  return null;
}

function textField(errors: RowError[], line: number, field: RosterField, value: string): string | null {
  if (value.length > MAX_TEXT) errors.push({ line, field, code: 'tooLong', value: value.slice(0, 40) });
  return value === '' ? null : value.slice(0, MAX_TEXT);
}
