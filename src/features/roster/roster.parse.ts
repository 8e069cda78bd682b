/**
 * Reading HR leaver lists as Excel and HR systems export them: UTF-8 (with or without
 * BOM) or Shift_JIS/CP932, comma or tab separated, Japanese headers, dates in the usual
 * Japanese formats (including 和暦). Pure functions: no database here.
 */
import { parse } from 'csv-parse/sync';
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

/** Parses CSV/TSV (quotes, doubled quotes and newlines inside cells); drops blank lines. */
export function parseTable(text: string): { headers: string[]; rows: { line: number; cells: string[] }[] } {
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      bom: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as { lines?: number; message: string };
    throw new TableParseError(e.lines, e.message);
  }
  const [head, ...body] = records;
  if (!head) return { headers: [], rows: [] };
  return {
    headers: head.record.map((h) => h.trim()),
    rows: body
      .filter((r) => r.record.some((c) => c.trim() !== ''))
      .map((r) => ({ line: r.info.lines, cells: r.record })),
  };
}

const ERAS: Record<string, number> = { 令和: 2018, r: 2018, 平成: 1988, h: 1988, 昭和: 1925, s: 1925 };

function ymd(y: number, m: number, d: number): string | 'impossible' {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return 'impossible';
  if (y < 1900 || y > 2200) return 'impossible';
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export type DateResult = { ok: true; value: string | null } | { ok: false; reason: 'invalidDate' | 'impossibleDate' };

/**
 * Parses the date formats of Japanese HR exports: 2023/04/01, 2023-4-1, 2023.4.1,
 * 2023年4月1日, 令和5年4月1日, R5.4.1, H30/4/1, 20230401, and Excel serial numbers.
 * Empty → null.
 */
export function parseDate(raw: string): DateResult {
  const s = raw.normalize('NFKC').trim().replace(/\s+/g, '');
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
export function parseRehire(raw: string): 'yes' | 'no' | 'unknown' | null {
  const s = raw.normalize('NFKC').trim().toLowerCase();
  if (s === '') return 'unknown';
  if (['可', '○', '〇', 'yes', 'y', 'true', '1', 'ok', '可能', '再雇用可'].includes(s)) return 'yes';
  if (['否', '×', 'x', 'no', 'n', 'false', '0', '不可', '再雇用不可'].includes(s)) return 'no';
  if (['未定', '不明', '-', '要確認', 'unknown'].includes(s)) return 'unknown';
  return null;
}

/** 連絡同意: 有/同意/yes → true; blank, 無, no → false. Unknown spellings → null (an error). */
export function parseConsent(raw: string): boolean | null {
  const s = raw.normalize('NFKC').trim().toLowerCase();
  if (['有', 'あり', '同意', '同意済', '同意する', '可', '○', '〇', 'yes', 'y', 'true', '1'].includes(s)) return true;
  if (['', '無', 'なし', '不同意', '同意しない', '否', '×', 'x', 'no', 'n', 'false', '0', '-'].includes(s)) return false;
  return null;
}

/** Spreadsheet formulas in a cell (="…") arrive as text: keep the text, drop the formula wrapper. */
export function cleanCell(raw: string | undefined): string {
  let s = (raw ?? '').replaceAll('\u0000', '').trim();
  const formula = /^="(.*)"$/s.exec(s);
  if (formula) s = formula[1]!.replace(/""/g, '"');
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
  const errors: RowError[] = [];
  const valid: RosterRow[] = [];
  const seen = new Map<string, Set<string>>();
  const cell = (cells: string[], f: RosterField) => (mapping[f] === undefined ? '' : cleanCell(cells[mapping[f]!]));
  for (const { line, cells } of rows) {
    const rowErrors: RowError[] = [];
    const text = (f: RosterField) => {
      const v = cell(cells, f);
      if (v.length > MAX_TEXT) rowErrors.push({ line, field: f, code: 'tooLong', value: v.slice(0, 40) });
      return v === '' ? null : v.slice(0, MAX_TEXT);
    };
    const date = (f: RosterField) => {
      const raw = cell(cells, f);
      const r = parseDate(raw);
      if (!r.ok) {
        rowErrors.push({ line, field: f, code: r.reason, value: raw.slice(0, 40) });
        return null;
      }
      return r.value;
    };
    const employeeNumber = cell(cells, 'employeeNumber').normalize('NFKC');
    const name = cell(cells, 'name').normalize('NFKC').replace(/\s+/g, ' ');
    for (const f of REQUIRED_FIELDS) if (cell(cells, f) === '') rowErrors.push({ line, field: f, code: 'required' });
    if (employeeNumber.length > 50) rowErrors.push({ line, field: 'employeeNumber', code: 'tooLong', value: employeeNumber.slice(0, 40) });
    if (name.length > 100) rowErrors.push({ line, field: 'name', code: 'tooLong', value: name.slice(0, 40) });
    const joinedOn = date('joinedOn');
    const leftOn = date('leftOn');
    if (joinedOn && leftOn && leftOn < joinedOn) rowErrors.push({ line, field: 'leftOn', code: 'leaveBeforeJoin', value: leftOn });
    const departmentFrom = date('departmentFrom');
    const departmentTo = date('departmentTo');
    const emailRaw = cell(cells, 'personalEmail').normalize('NFKC');
    if (emailRaw && (!EMAIL.test(emailRaw) || emailRaw.length > 254)) rowErrors.push({ line, field: 'personalEmail', code: 'invalidEmail', value: emailRaw.slice(0, 60) });
    const rehireRaw = cell(cells, 'rehireEligible');
    const rehire = parseRehire(rehireRaw);
    if (rehire === null) rowErrors.push({ line, field: 'rehireEligible', code: 'invalidRehire', value: rehireRaw.slice(0, 40) });
    const consentRaw = cell(cells, 'contactConsent');
    const consent = parseConsent(consentRaw);
    if (consent === null) rowErrors.push({ line, field: 'contactConsent', code: 'invalidConsent', value: consentRaw.slice(0, 40) });
    const department = text('department');
    if (employeeNumber) {
      const periodKey = `${department ?? ''}|${departmentFrom ?? ''}|${departmentTo ?? ''}`;
      const periods = seen.get(employeeNumber);
      if (periods && (periods.has(periodKey) || (!departmentFrom && !departmentTo))) {
        rowErrors.push({ line, field: 'employeeNumber', code: 'duplicateEmployeeNumber', value: employeeNumber });
      } else if (periods) periods.add(periodKey);
      else seen.set(employeeNumber, new Set([periodKey]));
    }
    const row: RosterRow = {
      line,
      employeeNumber,
      name,
      nameKana: text('nameKana'),
      nameRomaji: text('nameRomaji'),
      department,
      title: text('title'),
      joinedOn,
      leftOn,
      leaveReasonCategory: text('leaveReasonCategory'),
      rehireEligible: rehire ?? 'unknown',
      personalEmail: emailRaw ? emailRaw.toLowerCase() : null,
      contactConsent: consent ?? false,
      departmentFrom,
      departmentTo,
    };
    if (rowErrors.length) errors.push(...rowErrors);
    else valid.push(row);
  }
  return { valid, errors };
}
