/**
 * Excel-safe CSV for exports (the roster, an event's attendees). Japanese HR teams open
 * exports in Excel: UTF-8 needs a BOM there or Japanese turns into mojibake, records end in
 * CRLF, and a cell that begins like a formula would be run as one (OWASP CSV injection).
 */
import { stringify } from 'csv-stringify/sync';

/** Written once at the start of a file: Excel reads it as "this file is UTF-8". */
export const CSV_BOM = '\uFEFF';

/** Cells that a spreadsheet would run as a formula are prefixed with ' (OWASP CSV injection). */
export function excelSafe(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** Rows as CSV records, CRLF-terminated, every cell made Excel-safe. */
export function csvRecords(rows: readonly (readonly unknown[])[]): string {
  return stringify(
    rows.map((row) => row.map(excelSafe)),
    { record_delimiter: '\r\n' },
  );
}
