/**
 * The HR roster: upload → preview with row errors → commit → import job with progress.
 * The import is idempotent (upsert by employee number; unchanged rows untouched) and
 * resumable: each batch and its progress checkpoint commit together, so a crash or a
 * dropped connection resumes from the last checkpoint to the same end state.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rosterImports } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { CSV_BOM, csvRecords } from '../../shared/csv.ts';
import { authorize, CLI_ACTOR } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { enqueue } from '../../shared/jobs/queue.ts';
import {
  createRowValidator,
  decode,
  forEachRecord,
  guessMapping,
  ROSTER_FIELDS,
  TableParseError,
  type Encoding,
  type Mapping,
  type RosterField,
  type RosterRow,
  type RowError,
} from './roster.parse.ts';
import * as repo from './roster.repository.ts';
import { refreshDirectory } from '../profiles/profiles.service.ts';

export const ROSTER_IMPORT_QUEUE = 'roster.import';
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/** Batches grow or shrink to take about this long: long enough to be efficient, short enough
 * that the embedded database (one connection for the whole process) keeps answering pages. */
const BATCH_TARGET_MS = 100;
const BATCH_MIN = 250;
const BATCH_MAX = 10_000;
const PREVIEW_ERRORS = 200;

export type ImportRow = repo.ImportRow;

interface Ctx {
  db: Db;
  actor: Actor | null;
  ip?: string | undefined;
  /** Where uploads wait for their import (KIZUNA_DATA_DIR/uploads; a shared mount at scale). */
  filesDir?: string | undefined;
}

/**
 * Uploaded files live in a folder, not in the database: on the embedded database a
 * 10 MB bytea parameter cost seconds and over a gigabyte of WASM memory. The folder is
 * KIZUNA_DATA_DIR/uploads (an object-store mount when workers run on other machines).
 */
const DEFAULT_FILES_DIR = path.join(os.tmpdir(), 'kizuna-uploads');
const uploadPath = (dir: string | undefined, id: string) => path.join(dir ?? DEFAULT_FILES_DIR, 'roster-imports', `${id}.upload`);

function readUpload(dir: string | undefined, id: string): Buffer | null {
  try {
    return fs.readFileSync(uploadPath(dir, id));
  } catch {
    return null;
  }
}

function analyse(bytes: Uint8Array, encoding: Encoding | 'auto', mapping?: Mapping, remembered: Record<string, RosterField> = {}) {
  const decoded = decode(bytes, encoding);
  let headers: string[] | null = null;
  let effective: Mapping = {};
  let validator: ReturnType<typeof createRowValidator> | null = null;
  let rowCount = 0;
  // Row by row: a 100,000-row file is never held as a table of cells.
  forEachRecord(decoded.text, (line, cells) => {
    if (!headers) {
      headers = cells.map((h) => h.trim());
      effective = mapping ?? guessMapping(headers, remembered);
      validator = createRowValidator(effective);
      return;
    }
    if (!cells.some((c) => c.trim() !== '')) return;
    rowCount++;
    validator!.push(line, cells);
  });
  const v = validator as ReturnType<typeof createRowValidator> | null;
  return { encoding: decoded.encoding, headers: (headers ?? []) as string[], rowCount, mapping: effective, valid: v?.valid ?? [], errors: v?.errors ?? [] };
}

/**
 * The last analysis of an upload, kept for a few minutes so that an import committed in
 * the same process (in-process workers, the CLI) does not decode, parse and validate the
 * file a second time. A worker elsewhere, or a later run, re-reads the stored file.
 */
let lastAnalysis: { id: string; mappingKey: string; at: number; valid: RosterRow[] } | null = null;
const ANALYSIS_TTL_MS = 10 * 60 * 1000;
const mappingKey = (m: Mapping) => JSON.stringify(ROSTER_FIELDS.map((f) => m[f] ?? -1));

function remember(id: string, mapping: Mapping, valid: RosterRow[]) {
  lastAnalysis = { id, mappingKey: mappingKey(mapping), at: Date.now(), valid };
}

function recall(id: string, mapping: Mapping) {
  const hit = lastAnalysis;
  lastAnalysis = null;
  if (hit && hit.id === id && hit.mappingKey === mappingKey(mapping) && Date.now() - hit.at < ANALYSIS_TTL_MS) return hit.valid;
  return null;
}

function previewOf(errors: RowError[], valid: RosterRow[]) {
  const errorCounts: Record<string, number> = {};
  for (const e of errors) errorCounts[e.code] = (errorCounts[e.code] ?? 0) + 1;
  return { errors: errors.slice(0, PREVIEW_ERRORS), sample: valid.slice(0, 5), errorCounts };
}

/** Reads an uploaded file and records a preview; nothing is written to the roster yet. */
export async function uploadRoster(ctx: Ctx, file: { name: string; bytes: Uint8Array; encoding: Encoding | 'auto' }): Promise<ImportRow> {
  const who = authorize(ctx.actor, 'roster.import');
  if (file.bytes.byteLength === 0) throw new AppError('VALIDATION', 'empty file', { reason: 'empty' });
  if (file.bytes.byteLength > MAX_UPLOAD_BYTES) throw new AppError('PAYLOAD_TOO_LARGE');
  let result;
  try {
    result = analyse(file.bytes, file.encoding, undefined, await repo.rememberedMappings(ctx.db));
  } catch (err) {
    if (err instanceof TableParseError) throw new AppError('VALIDATION', err.message, { reason: 'unreadable', line: err.line });
    throw err;
  }
  if (result.headers.length === 0) throw new AppError('VALIDATION', 'no header', { reason: 'empty' });
  const erroneousLines = new Set(result.errors.map((e) => e.line)).size;
  const id = crypto.randomUUID();
  const target = uploadPath(ctx.filesDir, id);
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  fs.writeFileSync(target, file.bytes, { mode: 0o600 });
  const [row] = await ctx.db
    .insert(rosterImports)
    .values({
      id,
      createdBy: who.id === CLI_ACTOR.id ? null : who.id,
      fileName: file.name.slice(0, 200) || 'roster.csv',
      encoding: result.encoding,
      headers: result.headers,
      mapping: result.mapping as Record<string, number>,
      preview: previewOf(result.errors, result.valid),
      totalRows: result.rowCount,
      validRows: result.valid.length,
      errorRows: erroneousLines,
    })
    .returning();
  remember(row!.id, result.mapping, result.valid);
  return row!;
}

export async function getImport(ctx: Ctx, id: string): Promise<ImportRow> {
  authorize(ctx.actor, 'roster.view');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('NOT_FOUND');
  const row = await repo.getImport(ctx.db, id);
  if (!row) throw new AppError('NOT_FOUND');
  return row;
}

/** The operator maps columns by hand; the choice is remembered for the next file. */
export async function setMapping(ctx: Ctx, id: string, chosen: Partial<Record<RosterField, number>>): Promise<ImportRow> {
  authorize(ctx.actor, 'roster.import');
  const imp = await getImport(ctx, id);
  const bytes = readUpload(ctx.filesDir, id);
  if (imp.state !== 'previewed' || !bytes) throw new AppError('CONFLICT');
  const mapping: Mapping = {};
  for (const f of ROSTER_FIELDS) {
    const i = chosen[f];
    if (i !== undefined && Number.isInteger(i) && i >= 0 && i < imp.headers.length) mapping[f] = i;
  }
  const result = analyse(bytes, imp.encoding as Encoding, mapping);
  await repo.rememberMappings(
    ctx.db,
    Object.entries(mapping).map(([field, i]) => ({ header: imp.headers[i]!, field: field as RosterField })),
  );
  const [row] = await ctx.db
    .update(rosterImports)
    .set({
      mapping: mapping as Record<string, number>,
      preview: previewOf(result.errors, result.valid),
      validRows: result.valid.length,
      errorRows: new Set(result.errors.map((e) => e.line)).size,
    })
    .where(eq(rosterImports.id, id))
    .returning();
  remember(id, mapping, result.valid);
  return row!;
}

/** Commits the valid rows: the import job is queued in the same transaction as the state change. */
export async function commitImport(ctx: Ctx, id: string): Promise<void> {
  const who = authorize(ctx.actor, 'roster.import');
  const imp = await getImport(ctx, id);
  if (imp.mapping.employeeNumber === undefined || imp.mapping.name === undefined) throw new AppError('VALIDATION', 'mapping incomplete', { reason: 'mapping' });
  await ctx.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const moved = await t
      .update(rosterImports)
      .set({ state: 'queued' })
      .where(sql`${rosterImports.id} = ${id} and ${rosterImports.state} = 'previewed'`)
      .returning({ id: rosterImports.id });
    if (moved.length === 0) throw new AppError('CONFLICT');
    await enqueue(t, ROSTER_IMPORT_QUEUE, { importId: id }, { uniqueKey: `roster-import:${id}`, maxAttempts: 5 });
    await audit(t, {
      action: 'roster.import_committed',
      actor: who,
      subjectType: 'roster_import',
      subjectId: id,
      ip: ctx.ip,
      details: { fileName: imp.fileName, validRows: imp.validRows, errorRows: imp.errorRows },
    });
  });
}

/**
 * The import job. Re-reads the stored file, then upserts people in batches; each batch
 * and its checkpoint commit together. Safe to run again after a crash.
 */
export async function runImport(
  db: Db,
  id: string,
  onProgress?: (done: number, total: number) => void | Promise<void>,
  opts: { batchSize?: number; filesDir?: string | undefined } = {},
): Promise<ImportRow> {
  let batchSize = opts.batchSize ?? 2000;
  const adaptive = opts.batchSize === undefined;
  const imp = await repo.getImport(db, id);
  if (!imp) throw new Error(`roster import ${id} not found`);
  if (imp.state === 'done' || imp.state === 'cancelled') return imp;
  const cached = recall(id, imp.mapping as Mapping);
  const bytes = cached ? null : readUpload(opts.filesDir, id);
  if (!cached && !bytes) throw new Error(`roster import ${id}: the uploaded file is gone`);
  await db
    .update(rosterImports)
    .set({ state: 'running', startedAt: imp.startedAt ?? new Date() })
    .where(eq(rosterImports.id, id));
  const valid = cached ?? analyse(bytes!, imp.encoding as Encoding, imp.mapping as Mapping).valid;
  const people = repo.groupPeople(valid);
  const departmentIds = await repo.ensureDepartments(
    db,
    people.flatMap((p) => [p.entry.department ?? '', ...p.periods.map((x) => x.department)]),
  );
  // Resume from the checkpoint: `processedRows` counts the file's rows (lines) already
  // committed, person by person, so the progress bar runs to the number of valid rows.
  const totalLines = people.reduce((n, p) => n + p.lines, 0);
  let done = 0;
  let doneLines = 0;
  while (done < people.length && doneLines + people[done]!.lines <= imp.processedRows) doneLines += people[done++]!.lines;
  let totals = { inserted: imp.inserted, updated: imp.updated, unchanged: imp.unchanged };
  await onProgress?.(doneLines, totalLines);
  while (done < people.length) {
    const batch = people.slice(done, done + batchSize);
    const batchLines = batch.reduce((n, p) => n + p.lines, 0);
    const started = performance.now();
    totals = await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      const c = await repo.upsertPeople(t, batch, departmentIds);
      for (const userId of c.changedUserIds) await refreshDirectory(t, userId);
      const next = { inserted: totals.inserted + c.inserted, updated: totals.updated + c.updated, unchanged: totals.unchanged + c.unchanged };
      await t
        .update(rosterImports)
        .set({ processedRows: doneLines + batchLines, ...next })
        .where(eq(rosterImports.id, id));
      return next;
    });
    done += batch.length;
    doneLines += batchLines;
    await onProgress?.(doneLines, totalLines);
    if (adaptive) {
      const ms = performance.now() - started;
      if (ms < BATCH_TARGET_MS / 2) batchSize = Math.min(batchSize * 2, BATCH_MAX);
      else if (ms > BATCH_TARGET_MS * 2) batchSize = Math.max(Math.floor(batchSize / 2), BATCH_MIN);
    }
    // Let waiting requests run between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const [row] = await db
    .update(rosterImports)
    .set({ state: 'done', finishedAt: new Date(), totalRows: imp.totalRows })
    .where(eq(rosterImports.id, id))
    .returning();
  // The personal data in the upload is not kept once it is in the roster.
  fs.rmSync(uploadPath(opts.filesDir, id), { force: true });
  return row!;
}

/** Marks an import failed for good (after the job's last attempt). */
export async function failImport(db: Db, id: string, error: string): Promise<void> {
  await db.update(rosterImports).set({ state: 'failed', error: error.slice(0, 1000), finishedAt: new Date() }).where(eq(rosterImports.id, id));
}

export async function listRoster(ctx: Ctx, filter: { q?: string | undefined; after?: string | undefined }) {
  authorize(ctx.actor, 'roster.view');
  const limit = 50;
  const rows = await repo.listRoster(ctx.db, { ...filter, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    total: await repo.countRoster(ctx.db),
    nextAfter: rows.length > limit && last ? `${last.nameKana ?? ''}\u0000${last.employeeNumber}` : undefined,
  };
}

export const EXPORT_HEADERS = ['社員番号', '氏名', '氏名(カナ)', '氏名(ローマ字)', '部署', '役職', '入社日', '退職日', '退職理由区分', '再雇用可否', '個人メールアドレス', '連絡同意'];

/** The whole roster as Excel-safe CSV (UTF-8 with BOM, CRLF). Audited. */
export async function* exportRoster(ctx: Ctx): AsyncGenerator<string> {
  const who = authorize(ctx.actor, 'roster.export');
  await audit(ctx.db, { action: 'export.created', actor: who, subjectType: 'roster', ip: ctx.ip, details: { format: 'csv' } });
  yield `${CSV_BOM}${csvRecords([EXPORT_HEADERS])}`;
  for await (const rows of repo.rosterForExport(ctx.db)) {
    yield csvRecords(
      rows.map((r) =>
        [
          r.employeeNumber,
          r.name,
          r.nameKana,
          r.nameRomaji,
          r.department,
          r.title,
          r.joinedOn,
          r.leftOn,
          r.leaveReasonCategory,
          r.rehireEligible === 'yes' ? '可' : r.rehireEligible === 'no' ? '否' : '',
          r.personalEmail,
          r.contactConsent ? '有' : '無',
        ]),
    );
  }
}

/** Job handlers for the queue: `{ 'roster.import': … }`. */
export function rosterJobHandlers(opts: { filesDir?: string } = {}) {
  return {
    [ROSTER_IMPORT_QUEUE]: async (payload: unknown, ctx: { db: Db; attempt: number; maxAttempts: number }) => {
      const id = (payload as { importId?: string }).importId;
      if (typeof id !== 'string') return;
      try {
        await runImport(ctx.db, id, undefined, { filesDir: opts.filesDir });
      } catch (err) {
        if (ctx.attempt >= ctx.maxAttempts) await failImport(ctx.db, id, err instanceof Error ? err.message : String(err));
        throw err;
      }
    },
  };
}
