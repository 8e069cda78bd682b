import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/db.ts';
import type { Database, Db } from '../../db/client.ts';
import { auditEvents, jobs, rosterDepartments, rosterEntries } from '../../db/schema.ts';
import type { Actor } from '../../shared/http/context.ts';
import { commitImport, exportRoster, getImport, runImport, setMapping, uploadRoster } from './roster.service.ts';
import { insertAccount } from '../account/accounts.repository.ts';

let database: Database;
let db: Db;
let operator: Actor;
const alumnus: Actor = { id: 'x', name: 'A', email: 'a@example.com', role: 'alumnus', isManager: false, status: 'active', twoFactorEnabled: false, locale: null, sessionId: 's' };

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  const id = await insertAccount(db, { email: 'op@example.com', name: '運営', password: 'password-1234', role: 'operator' });
  operator = { id, name: '運営', email: 'op@example.com', role: 'operator', isManager: false, status: 'active', twoFactorEnabled: true, locale: 'ja', sessionId: 's' };
});
afterAll(async () => database?.close());

/** A generated file of `n` people (two department periods for every 10th). */
function makeFile(n: number, opts: { offset?: number } = {}): string {
  const lines = ['社員番号,氏名,フリガナ,部署,入社日,退職日,再雇用可否,個人メールアドレス,連絡同意,所属開始日,所属終了日'];
  for (let i = 0; i < n; i++) {
    const k = i + (opts.offset ?? 0);
    const no = `E${String(k).padStart(6, '0')}`;
    if (k % 10 === 0) {
      lines.push(`${no},山田 ${k},ヤマダ ${k},営業部,2010/4/1,2020/3/31,可,y${k}@example.jp,有,2010/4/1,2015/3/31`);
      lines.push(`${no},山田 ${k},ヤマダ ${k},営業企画部,2010/4/1,2020/3/31,可,y${k}@example.jp,有,2015/4/1,2020/3/31`);
    } else {
      lines.push(`${no},佐藤 ${k},サトウ ${k},人事部,2012-4-1,令和3年3月31日,否,,無,,`);
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

async function snapshot() {
  const entries = await db
    .select({ n: rosterEntries.employeeNumber, name: rosterEntries.name, dept: rosterEntries.departmentId, left: rosterEntries.leftOn, email: rosterEntries.personalEmail, consent: rosterEntries.contactConsent, updated: rosterEntries.updatedAt })
    .from(rosterEntries)
    .orderBy(rosterEntries.employeeNumber);
  const history = await db.select().from(rosterDepartments);
  return { entries, historyCount: history.length };
}

async function importFile(text: string, encoding: 'utf-8' | 'shift_jis' = 'utf-8') {
  const bytes = encoding === 'shift_jis' ? iconv.encode(text, 'cp932') : Buffer.from(text, 'utf8');
  const imp = await uploadRoster({ db, actor: operator }, { name: 'leavers.csv', bytes, encoding: 'auto' });
  await commitImport({ db, actor: operator }, imp.id);
  return runImport(db, imp.id);
}

describe('roster import', () => {
  it('refuses everyone but operators', async () => {
    await expect(uploadRoster({ db, actor: alumnus }, { name: 'x.csv', bytes: Buffer.from('a,b\n'), encoding: 'auto' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(uploadRoster({ db, actor: null }, { name: 'x.csv', bytes: Buffer.from('a,b\n'), encoding: 'auto' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('previews row errors before writing anything', async () => {
    const text = '社員番号,氏名,入社日,退職日\nE1,山田 太郎,2015/4/1,2023/2/30\nE2,佐藤 花子,2015/4/1,2023/3/31\n';
    const imp = await uploadRoster({ db, actor: operator }, { name: 'x.csv', bytes: Buffer.from(text), encoding: 'auto' });
    expect(imp).toMatchObject({ totalRows: 2, validRows: 1, errorRows: 1, state: 'previewed' });
    expect(imp.preview.errorCounts).toEqual({ impossibleDate: 1 });
    expect(await db.select().from(rosterEntries)).toHaveLength(0);
  });

  it('imports a Shift_JIS file, keeps department history, and a re-import changes nothing', async () => {
    const text = makeFile(250);
    const first = await importFile(text, 'shift_jis');
    expect(first).toMatchObject({ state: 'done', inserted: 250, updated: 0, unchanged: 0 });
    // The upload (personal data) is deleted once it is in the roster.
    expect(fs.existsSync(path.join(os.tmpdir(), 'kizuna-uploads', 'roster-imports', `${first.id}.upload`))).toBe(false);
    const before = await snapshot();
    expect(before.entries).toHaveLength(250);
    // 25 people with two explicit periods; the others' history is their entry's department.
    expect(before.historyCount).toBe(25 * 2);
    const second = await importFile(text, 'shift_jis');
    expect(second).toMatchObject({ inserted: 0, updated: 0, unchanged: 250 });
    expect(await snapshot()).toEqual(before);
  });

  it('never erases an e-mail or consent already on record', async () => {
    // E000010 has an e-mail and consent; a file without them must not wipe them.
    await importFile('社員番号,氏名,部署,入社日,退職日\nE000010,山田 10,営業企画部,2010/4/1,2020/3/31\n');
    const [row] = await db.select().from(rosterEntries).where((await import('drizzle-orm')).eq(rosterEntries.employeeNumber, 'E000010'));
    expect(row).toMatchObject({ personalEmail: 'y10@example.jp', contactConsent: true });
  });

  it('resumes after a crash mid-import to the same end state as a clean run', async () => {
    const text = makeFile(3500, { offset: 10_000 });
    const imp = await uploadRoster({ db, actor: operator }, { name: 'big.csv', bytes: Buffer.from(text), encoding: 'auto' });
    await commitImport({ db, actor: operator }, imp.id);
    // A database handle whose third transaction fails, as a crash or dropped connection would.
    let calls = 0;
    const crashing = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop === 'transaction') {
          return (fn: (tx: unknown) => Promise<unknown>) => {
            calls++;
            if (calls === 3) return Promise.reject(new Error('connection lost'));
            return target.transaction(fn as never);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    await expect(runImport(crashing, imp.id, undefined, { batchSize: 1000 })).rejects.toThrow('connection lost');
    const midway = await getImport({ db, actor: operator }, imp.id);
    expect(midway.state).toBe('running');
    // Two batches of 1,000 people committed; every 10th person has two lines: 2,200 rows.
    expect(midway.processedRows).toBe(2200);
    const done = await runImport(db, imp.id);
    expect(done).toMatchObject({ state: 'done', inserted: 3500, processedRows: 3850 });
    const count = await db.select({ n: rosterEntries.id }).from(rosterEntries);
    expect(count.length).toBe(250 + 3500);
  });

  it('queues the job and audits the commit in one transaction; a second commit is refused', async () => {
    const imp = await uploadRoster({ db, actor: operator }, { name: 'q.csv', bytes: Buffer.from('社員番号,氏名\nQ1,試験 一\n'), encoding: 'auto' });
    await commitImport({ db, actor: operator }, imp.id);
    await expect(commitImport({ db, actor: operator }, imp.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    const queued = (await db.select().from(jobs)).filter((j) => (j.payload as { importId?: string }).importId === imp.id);
    expect(queued).toHaveLength(1);
    const audits = (await db.select().from(auditEvents)).filter((a) => a.subjectId === imp.id);
    expect(audits.map((a) => a.action)).toEqual(['roster.import_committed']);
  });

  it('lets the operator map columns by hand and remembers the choice', async () => {
    const text = '番号,なまえ\nM1,手動 一\n';
    const imp = await uploadRoster({ db, actor: operator }, { name: 'm.csv', bytes: Buffer.from(text), encoding: 'auto' });
    expect(imp.mapping).toEqual({});
    const mapped = await setMapping({ db, actor: operator }, imp.id, { employeeNumber: 0, name: 1 });
    expect(mapped.validRows).toBe(1);
    const again = await uploadRoster({ db, actor: operator }, { name: 'm2.csv', bytes: Buffer.from(text), encoding: 'auto' });
    expect(again.mapping).toEqual({ employeeNumber: 0, name: 1 });
  });

  it('exports Excel-safe CSV (BOM, formulas neutralised) and audits it', async () => {
    await importFile('社員番号,氏名,部署\nX1,=HYPERLINK("http://evil"),+営業\n');
    let csv = '';
    for await (const chunk of exportRoster({ db, actor: operator })) csv += chunk;
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain(`\r\nX1,"'=HYPERLINK(""http://evil"")",,,'+営業,`);
    const audits = (await db.select().from(auditEvents)).filter((a) => a.action === 'export.created');
    expect(audits.length).toBeGreaterThan(0);
  });
});

describe.runIf(process.env.KIZUNA_TEST_DB === 'postgres')('roster import on PostgreSQL', () => {
  it('reaches the same end state when the server kills its connections mid-import', async () => {
    const text = makeFile(3000, { offset: 50_000 });
    const imp = await uploadRoster({ db, actor: operator }, { name: 'kill.csv', bytes: Buffer.from(text), encoding: 'auto' });
    await commitImport({ db, actor: operator }, imp.id);
    const killer = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await killer.connect();
    const dbName = (await database.pool!.query('select current_database() as d')).rows[0].d as string;
    let kills = 0;
    const kill = async () => {
      const r = await killer.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [dbName]);
      kills += r.rowCount ?? 0;
    };
    // Kill every connection of the import's database after each batch: the pool must
    // reconnect, and whatever fails must be completed by running the import again.
    let failures = 0;
    let done;
    for (let attempt = 0; attempt < 10 && !done; attempt++) {
      try {
        let first = true;
        done = await runImport(db, imp.id, async (n) => {
          // The first call reports the checkpoint a run resumes from; kill after real progress.
          if (!first && n < 3300) await kill();
          first = false;
        }, { batchSize: 500 });
      } catch {
        failures++;
      }
    }
    await killer.end();
    expect(kills).toBeGreaterThan(0);
    expect(done).toMatchObject({ state: 'done', inserted: 3000, processedRows: 3300 });
    const rows = await db.select({ id: rosterEntries.id }).from(rosterEntries).where(sql`${rosterEntries.employeeNumber} between 'E050000' and 'E059999'`);
    expect(rows.length).toBe(3000);
    console.log(`connection kills: ${kills}, failed runs resumed: ${failures}`);
  });
});
