import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../../shared/audit.ts';
import { allow } from '../../shared/auth/access.ts';
import { ROLES } from '../../shared/auth/can.ts';
import type { AppEnv } from '../../shared/http/context.ts';
import { validateForm } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { adminSectionsFor, page } from '../../shared/http/render.tsx';
import { email } from '../../shared/validation.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { changeRole, inviteStaff, listPendingInvitations, listPeople, revokeInvitation } from '../staff/staff.service.ts';
import { jobsOverview, listAudit, outbox, outboxMessage } from './admin.service.ts';
import { AdminHubPage, AuditPage, JobsPage, OutboxMessagePage, OutboxPage, PeoplePage } from './views/AdminPages.tsx';

const operators = ['operator'] as const;

const inviteSchema = z.object({
  email,
  role: z.enum(['operator', 'community_manager', 'employee'], 'choose'),
  isManager: z.string().optional().transform((v) => v === '1'),
  locale: z.enum(['ja', 'en']).default('ja'),
});
const roleSchema = z.object({
  role: z.enum(ROLES),
  isManager: z.string().optional().transform((v) => v === '1'),
});

function base(c: Context<AppEnv>) {
  return { m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), timeZone: c.get('settings')?.timeZone ?? 'Asia/Tokyo' };
}

async function renderPeople(c: Context<AppEnv>, errors: FieldErrors = {}, values: Record<string, string> = {}, status: 200 | 422 = 200) {
  const { db } = c.get('deps');
  const actor = c.get('actor');
  const roleQuery = c.req.query('role');
  const role = (ROLES as readonly string[]).includes(roleQuery ?? '') ? (roleQuery as (typeof ROLES)[number]) : undefined;
  const q = c.req.query('q')?.trim().slice(0, 100) || undefined;
  const pageNo = Math.min(10_000, Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
  const [people, invitations] = await Promise.all([listPeople(db, actor, { role, q, page: pageNo }), listPendingInvitations(db, actor)]);
  return page(
    c,
    c.get('m').admin.peopleTitle,
    <PeoplePage
      {...base(c)}
      selfId={actor!.id}
      rows={people.rows}
      invitations={invitations}
      errors={errors}
      values={values}
      filter={{ role, q }}
      page={people.page}
      hasMore={people.hasMore}
    />,
    status,
  );
}

export const adminRoutes = new Hono<AppEnv>()
  .get('/admin', allow(['operator', 'community_manager']), (c) => {
    const m = c.get('m');
    return page(c, m.adminHub.title, <AdminHubPage m={m} sections={adminSectionsFor(m, c.get('actor'))} />);
  })
  .get('/admin/people', allow(operators), (c) => renderPeople(c))
  .post('/admin/people/invite', allow(operators), async (c) => {
    const m = c.get('m');
    const { db, config, wakeWorkers } = c.get('deps');
    const form = await validateForm(c, inviteSchema, { email: m.admin.inviteEmail, role: m.admin.inviteRole });
    if (!form.ok) return renderPeople(c, form.errors, form.values, 422);
    const result = await inviteStaff({ db, actor: c.get('actor'), baseUrl: config.baseUrl, ip: c.get('clientIp') }, form.data);
    if (result.status === 'exists') return renderPeople(c, { email: m.admin.inviteExists }, form.values, 422);
    wakeWorkers();
    setFlash(c, 'admin.inviteSent', { email: form.data.email });
    return c.redirect('/admin/people', 303);
  })
  .post('/admin/invitations/:id/revoke', allow(operators), async (c) => {
    const { db } = c.get('deps');
    await revokeInvitation({ db, actor: c.get('actor'), ip: c.get('clientIp') }, c.req.param('id'));
    setFlash(c, 'admin.revoked');
    return c.redirect('/admin/people', 303);
  })
  .post('/admin/people/:id/role', allow(operators), async (c) => {
    const m = c.get('m');
    const { db } = c.get('deps');
    const form = await validateForm(c, roleSchema, { role: m.admin.colRole });
    if (!form.ok) return renderPeople(c, form.errors, {}, 422);
    const result = await changeRole({ db, actor: c.get('actor'), ip: c.get('clientIp') }, c.req.param('id'), form.data);
    if (result.status === 'self') return renderPeople(c, { role: m.admin.cannotChangeSelf }, {}, 422);
    if (result.status === 'last-operator') return renderPeople(c, { role: m.admin.lastOperator }, {}, 422);
    setFlash(c, 'admin.roleChanged', { name: result.name, role: m.roles[form.data.role] });
    return c.redirect('/admin/people', 303);
  })
  .get('/admin/audit', allow(operators), async (c) => {
    const { db } = c.get('deps');
    const q = c.req.query();
    const filter = {
      action: q.action || undefined,
      actor: q.actor?.slice(0, 254) || undefined,
      from: q.from || undefined,
      to: q.to || undefined,
      before: q.before ? Number.parseInt(q.before, 10) : undefined,
    };
    const b = base(c);
    const result = await listAudit(db, c.get('actor'), filter, b.timeZone);
    let nextHref: string | undefined;
    if (result.nextBefore) {
      const s = new URLSearchParams(Object.entries({ ...filter, before: String(result.nextBefore) }).filter(([, v]) => v) as [string, string][]);
      nextHref = `/admin/audit?${s.toString()}`;
    }
    return page(c, b.m.admin.auditTitle, <AuditPage {...b} rows={result.rows} actions={AUDIT_ACTIONS} filter={filter as Record<string, string | undefined>} nextHref={nextHref} />);
  })
  .get('/admin/outbox', allow(operators), async (c) => {
    const offset = Math.min(1_000_000, Math.max(0, Number.parseInt(c.req.query('offset') ?? '0', 10) || 0));
    const rows = await outbox(c.get('deps').db, c.get('actor'), offset);
    const b = base(c);
    return page(c, b.m.admin.outboxTitle, <OutboxPage {...b} rows={rows} offset={offset} />);
  })
  .get('/admin/outbox/:id', allow(operators), async (c) => {
    const message = await outboxMessage(c.get('deps').db, c.get('actor'), c.req.param('id'), c.get('clientIp'));
    const b = base(c);
    return page(c, message.subject ?? b.m.admin.outboxTitle, <OutboxMessagePage {...b} message={message} />);
  })
  .get('/admin/jobs', allow(operators), async (c) => {
    const { counts, recent } = await jobsOverview(c.get('deps').db, c.get('actor'));
    const b = base(c);
    return page(c, b.m.admin.jobsTitle, <JobsPage {...b} counts={counts} recent={recent} />);
  });
