/**
 * Roster import: 100,000 rows end to end (Shift_JIS file → preview → commit → job) on
 * PostgreSQL, next to PostgreSQL's own COPY of the same rows into a table of the same
 * shape, measured in the same run. Target: ≤ 3× COPY, peak memory ≤ 300 MB.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import pg from 'pg';
import { generateDemoNetwork } from '../src/demo/generate.ts';
import type { Benchmark } from './registry.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const slash = (d: string) => d.replaceAll('-', '/');

function child(file: string, url?: string): { totalMs: number; previewMs: number; inserted: number; errorRows: number; peakRssMb: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/import-child.ts', file, url ?? ''], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

export const importBench: Benchmark = {
  description: `roster import of ${ROWS.toLocaleString()} rows vs PostgreSQL COPY of the same rows`,
  async run() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kizuna-bench-import-'));
    const network = generateDemoNetwork({ leavers: ROWS, seed: 7 });
    const deptName = new Map(network.company.departments.map((d) => [d.code, d.nameJa]));
    const header = '社員番号,氏名,フリガナ,ローマ字,部署,役職,入社日,退職日,退職理由区分,再雇用可否,個人メールアドレス,連絡同意';
    const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    const lines = [header];
    const copyLines: string[] = [];
    for (const l of network.leavers) {
      const dept = deptName.get(l.departmentCode) ?? '';
      lines.push(
        [l.employeeNumber, l.name, l.nameKana, l.nameRomaji, dept, l.title, slash(l.joinedOn), slash(l.leftOn), l.leaveReasonCategory, l.rehireEligible === 'yes' ? '可' : l.rehireEligible === 'no' ? '否' : '', l.personalEmail ?? '', l.contactConsent ? '有' : '無']
          .map(csvCell)
          .join(','),
      );
      copyLines.push(
        [l.employeeNumber, l.name, l.nameKana, l.nameRomaji, dept, l.title, l.joinedOn, l.leftOn, l.leaveReasonCategory, l.rehireEligible, l.personalEmail ?? '', l.contactConsent ? 't' : 'f']
          .map(csvCell)
          .join(','),
      );
    }
    const sjisFile = path.join(dir, 'leavers-sjis.csv');
    fs.writeFileSync(sjisFile, iconv.encode(`${lines.join('\r\n')}\r\n`, 'cp932'));
    const copyFile = path.join(dir, 'leavers-copy.csv');
    fs.writeFileSync(copyFile, `${copyLines.join('\n')}\n`);
    const sizeMb = fs.statSync(sjisFile).size / 1e6;

    const dbName = `kizuna_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
    await admin.query(`CREATE DATABASE ${dbName}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    try {
      // Baseline: COPY into a table shaped like roster_entries, with the same kinds of indexes.
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      await c.query(`CREATE TABLE roster_copy (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), employee_number text NOT NULL UNIQUE, name text NOT NULL,
        name_kana text, name_romaji text, department text, title text, joined_on date, left_on date, leave_reason_category text,
        rehire_eligible text NOT NULL, personal_email text, contact_consent boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
        CREATE INDEX ON roster_copy (left_on); CREATE INDEX ON roster_copy (name_kana);`);
      await c.end();
      const copyStarted = performance.now();
      execFileSync('psql', [url.toString(), '-qc', `\\copy roster_copy (employee_number, name, name_kana, name_romaji, department, title, joined_on, left_on, leave_reason_category, rehire_eligible, personal_email, contact_consent) FROM '${copyFile}' WITH (FORMAT csv)`]);
      const copyMs = performance.now() - copyStarted;

      const pgRun = child(sjisFile, url.toString());
      const pgliteRun = process.env.BENCH_SKIP_PGLITE ? null : child(sjisFile);

      const ratio = pgRun.totalMs / copyMs;
      process.stdout.write(`file: ${ROWS.toLocaleString()} rows, ${sizeMb.toFixed(1)} MB Shift_JIS\n`);
      process.stdout.write(`PostgreSQL COPY (baseline)          ${Math.round(copyMs)} ms\n`);
      process.stdout.write(`Kizuna import on PostgreSQL         ${pgRun.totalMs} ms (preview ${pgRun.previewMs} ms)  ratio ${ratio.toFixed(2)}× COPY (target ≤ 3)  peak RSS ${pgRun.peakRssMb} MB (target ≤ 300)\n`);
      if (pgliteRun) process.stdout.write(`Kizuna import on PGlite             ${pgliteRun.totalMs} ms (preview ${pgliteRun.previewMs} ms)  peak RSS ${pgliteRun.peakRssMb} MB\n`);
      return {
        rows: ROWS,
        copyMs: Math.round(copyMs),
        postgresMs: pgRun.totalMs,
        ratioToCopy: Number(ratio.toFixed(2)),
        postgresPeakRssMb: pgRun.peakRssMb,
        pgliteMs: pgliteRun?.totalMs ?? null,
        pglitePeakRssMb: pgliteRun?.peakRssMb ?? null,
        inserted: pgRun.inserted,
        meetsTargets: ratio <= 3 && pgRun.peakRssMb <= 300,
      };
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
