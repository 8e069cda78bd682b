import type { Context } from 'hono';
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { uploadsDir } from '../../config.ts';
import { allow } from '../../shared/auth/access.ts';
import { AppError } from '../../shared/errors.ts';
import type { AppEnv } from '../../shared/http/context.ts';
import { page } from '../../shared/http/render.tsx';
import { fmt } from '../../shared/i18n/index.ts';
import { ROSTER_FIELDS, type RosterField } from './roster.parse.ts';
import { commitImport, exportRoster, getImport, listRoster, setMapping, uploadRoster } from './roster.service.ts';
import { ImportPage, RosterPage, UploadPage } from './views/RosterPages.tsx';
import { RosterEntryPage } from './views/RosterEntryPage.tsx';
import { CONTACT_STATUSES } from '../../shared/auth/can.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { getRosterEntry, markLeftAgain, markRehired, setAccess, setContactStatus, type LifecycleResult } from './lifecycle.service.ts';

const operators = ['operator'] as const;

function ctx(c: Context<AppEnv>) {
  return { db: c.get('deps').db, actor: c.get('actor'), ip: c.get('clientIp'), filesDir: uploadsDir(c.get('deps').config) };
}

async function renderEntry(c: Context<AppEnv>, error?: string) {
  const m = c.get('m');
  const data = await getRosterEntry(ctx(c), c.req.param('id') ?? '');
  return page(c, fmt(m.roster.entryTitle, { name: data.entry.name, number: data.entry.employeeNumber }), <RosterEntryPage m={m} csrfToken={c.get('csrfToken')} data={data} error={error} />, error ? 422 : 200);
}

async function afterLifecycle(c: Context<AppEnv>, result: LifecycleResult) {
  if (!result.ok) return renderEntry(c, c.get('m').roster[result.reason]);
  setFlash(c, 'roster.statusSaved');
  return c.redirect(`/admin/roster/entries/${c.req.param('id')}`, 303);
}

async function formValue(c: Context<AppEnv>, name: string, max = 500): Promise<string> {
  const body = await c.req.parseBody();
  const v = body[name];
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
}

async function renderImport(c: Context<AppEnv>, id: string, error?: string, status: 200 | 422 = 200) {
  const imp = await getImport(ctx(c), id);
  // While the job runs, the page refreshes itself: a progress bar without JavaScript.
  if (imp.state === 'queued' || imp.state === 'running') c.header('Refresh', '2');
  const m = c.get('m');
  return page(c, fmt(m.roster.previewTitle, { file: imp.fileName }), <ImportPage m={m} csrfToken={c.get('csrfToken')} imp={imp} error={error} />, status);
}

export const rosterRoutes = new Hono<AppEnv>()
  .get('/admin/roster', allow(operators), async (c) => {
    const m = c.get('m');
    const q = c.req.query('q')?.trim().slice(0, 100) ?? '';
    const after = c.req.query('after')?.slice(0, 300);
    const result = await listRoster(ctx(c), { q: q || undefined, after });
    const nextHref = result.nextAfter ? `/admin/roster?${new URLSearchParams({ ...(q ? { q } : {}), after: result.nextAfter }).toString()}` : undefined;
    return page(c, m.roster.title, <RosterPage m={m} csrfToken={c.get('csrfToken')} rows={result.rows} total={result.total} q={q} nextHref={nextHref} />);
  })
  .get('/admin/roster/entries/:id', allow(operators), (c) => renderEntry(c))
  .post('/admin/roster/entries/:id/rehire', allow(operators), async (c) =>
    afterLifecycle(c, await markRehired(ctx(c), c.req.param('id'), await formValue(c, 'on', 20))),
  )
  .post('/admin/roster/entries/:id/leave', allow(operators), async (c) =>
    afterLifecycle(c, await markLeftAgain(ctx(c), c.req.param('id'), await formValue(c, 'on', 20))),
  )
  .post('/admin/roster/entries/:id/contact-status', allow(operators), async (c) => {
    const status = await formValue(c, 'status', 20);
    if (!(CONTACT_STATUSES as readonly string[]).includes(status)) throw new AppError('BAD_REQUEST');
    await setContactStatus(ctx(c), c.req.param('id'), status as (typeof CONTACT_STATUSES)[number]);
    return afterLifecycle(c, { ok: true });
  })
  .post('/admin/roster/entries/:id/revoke', allow(operators), async (c) => {
    const reason = await formValue(c, 'reason');
    if (!reason) return renderEntry(c, fmt(c.get('m').validation.required, { field: c.get('m').roster.revokeReason }));
    await setAccess(ctx(c), c.req.param('id'), true, reason);
    return afterLifecycle(c, { ok: true });
  })
  .post('/admin/roster/entries/:id/restore', allow(operators), async (c) => {
    await setAccess(ctx(c), c.req.param('id'), false, '');
    return afterLifecycle(c, { ok: true });
  })
  .get('/admin/roster/import', allow(operators), (c) => {
    const m = c.get('m');
    return page(c, m.roster.importTitle, <UploadPage m={m} csrfToken={c.get('csrfToken')} />);
  })
  .post('/admin/roster/import', allow(operators), async (c) => {
    const m = c.get('m');
    const body = await c.req.parseBody();
    const file = body.file;
    const encoding = body.encoding === 'utf-8' || body.encoding === 'shift_jis' ? body.encoding : 'auto';
    const again = (error: string) => page(c, m.roster.importTitle, <UploadPage m={m} csrfToken={c.get('csrfToken')} error={error} />, 422);
    if (!(file instanceof File) || file.size === 0) return again(file instanceof File ? m.roster.emptyFile : m.roster.noFile);
    try {
      const imp = await uploadRoster(ctx(c), { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()), encoding });
      return c.redirect(`/admin/roster/imports/${imp.id}`, 303);
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') {
        return again(err.details.reason === 'unreadable' ? fmt(m.roster.unreadable, { line: String(err.details.line ?? '?') }) : m.roster.emptyFile);
      }
      throw err;
    }
  })
  .get('/admin/roster/imports/:id', allow(operators), (c) => renderImport(c, c.req.param('id')))
  .post('/admin/roster/imports/:id/mapping', allow(operators), async (c) => {
    const body = await c.req.parseBody();
    const chosen: Partial<Record<RosterField, number>> = {};
    for (const [key, value] of Object.entries(body)) {
      const match = /^col-(\d{1,4})$/.exec(key);
      if (match && typeof value === 'string' && (ROSTER_FIELDS as readonly string[]).includes(value) && chosen[value as RosterField] === undefined) {
        chosen[value as RosterField] = Number(match[1]);
      }
    }
    await setMapping(ctx(c), c.req.param('id'), chosen);
    return c.redirect(`/admin/roster/imports/${c.req.param('id')}`, 303);
  })
  .post('/admin/roster/imports/:id/commit', allow(operators), async (c) => {
    try {
      await commitImport(ctx(c), c.req.param('id'));
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') return renderImport(c, c.req.param('id'), c.get('m').roster.mappingMissing, 422);
      throw err;
    }
    c.get('deps').wakeWorkers();
    return c.redirect(`/admin/roster/imports/${c.req.param('id')}`, 303);
  })
  .get('/admin/roster/export.csv', allow(operators), (c) => {
    const chunks = exportRoster(ctx(c));
    const day = new Date().toISOString().slice(0, 10);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="roster-${day}.csv"`);
    return stream(c, async (s) => {
      for await (const chunk of chunks) await s.write(chunk);
    });
  });
