import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { allow } from '../../shared/auth/access.ts';
import type { AppEnv } from '../../shared/http/context.ts';
import { readForm, validateForm } from '../../shared/http/form.ts';
import { page } from '../../shared/http/render.tsx';
import { setFlash } from '../../shared/http/middleware.ts';
import { formatDate, fmt } from '../../shared/i18n/index.ts';
import { email, kana, optionalText, text } from '../../shared/validation.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { Message } from '../auth/views/AuthPages.tsx';
import * as offboarding from './offboarding.service.ts';
import { ExitFormPage, OffboardingAdminPage, ThanksPage } from './views/OffboardingPages.tsx';

const operators = ['operator'] as const;

const registerSchema = z.object({
  employeeNumber: text(50),
  name: text(100),
  nameKana: kana,
  department: optionalText(100),
  lastDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'required'),
  managerId: z.string().max(64).default(''),
  contactEmail: email,
  locale: z.enum(['ja', 'en']).default('ja'),
});

function ctx(c: Context<AppEnv>) {
  return { db: c.get('deps').db, actor: c.get('actor'), baseUrl: c.get('deps').config.baseUrl, ip: c.get('clientIp') };
}

async function renderAdmin(c: Context<AppEnv>, values: Record<string, string> = {}, errors: FieldErrors = {}, status: 200 | 422 = 200) {
  const m = c.get('m');
  const [list, managers] = await Promise.all([offboarding.listOffboardings(ctx(c)), offboarding.listManagers(ctx(c))]);
  return page(
    c,
    m.offboarding.title,
    <OffboardingAdminPage m={m} csrfToken={c.get('csrfToken')} rows={list.rows} reasons={list.reasons} managers={managers} values={values} errors={errors} />,
    status,
  );
}

export const offboardingRoutes = new Hono<AppEnv>()
  .get('/admin/offboarding', allow(operators), (c) => renderAdmin(c))
  .post('/admin/offboarding', allow(operators), async (c) => {
    const m = c.get('m');
    const o = m.offboarding;
    const form = await validateForm(c, registerSchema, { employeeNumber: o.employeeNumber, name: o.name, lastDay: o.lastDay, contactEmail: o.contactEmail });
    if (!form.ok) return renderAdmin(c, form.values, form.errors, 422);
    const result = await offboarding.registerLeaver(ctx(c), { ...form.data, managerId: form.data.managerId || null });
    if (result.status === 'exists') return renderAdmin(c, form.values, { employeeNumber: o.already }, 422);
    c.get('deps').wakeWorkers();
    setFlash(c, 'offboarding.registered', { email: form.data.contactEmail });
    return c.redirect('/admin/offboarding', 303);
  })
  .get('/exit', allow('public'), async (c) => {
    const m = c.get('m');
    const token = c.req.query('token') ?? '';
    try {
      const form = await offboarding.getExitForm(c.get('deps').db, token);
      return page(c, m.offboarding.exitTitle, <ExitFormPage m={m} csrfToken={c.get('csrfToken')} token={token} name={form.name} values={form} />);
    } catch {
      return page(c, m.offboarding.exitTitle, <Message title={m.offboarding.exitTitle} text={m.offboarding.exitInvalid} />, 410);
    }
  })
  .post('/exit', allow('public'), async (c) => {
    const m = c.get('m');
    const body = await c.req.parseBody({ all: true });
    const one = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim().slice(0, 300) : '');
    const token = one('token');
    const many = body.interests;
    const interests = (Array.isArray(many) ? many : [many]).filter((x): x is string => typeof x === 'string');
    const values = { personalEmail: one('personalEmail'), consent: one('consent') === '1', interests, reason: one('reason') };
    const db = c.get('deps').db;
    let name: string;
    try {
      name = (await offboarding.getExitForm(db, token)).name;
    } catch {
      return page(c, m.offboarding.exitTitle, <Message title={m.offboarding.exitTitle} text={m.offboarding.exitInvalid} />, 410);
    }
    if (values.personalEmail && !email.safeParse(values.personalEmail).success) {
      return page(
        c,
        m.offboarding.exitTitle,
        <ExitFormPage m={m} csrfToken={c.get('csrfToken')} token={token} name={name} values={values} error={m.validation.email} />,
        422,
      );
    }
    await offboarding.submitExitForm(db, token, values, c.get('clientIp'));
    return page(c, m.offboarding.exitTitle, <ExitFormPage m={m} csrfToken={c.get('csrfToken')} token={token} name={name} values={values} saved />);
  })
  .get('/offboarding/:id/thanks', allow('member'), async (c) => {
    const m = c.get('m');
    const form = await offboarding.getThanksForm(ctx(c), c.req.param('id'));
    const date = formatDate(new Date(`${form.lastDay}T00:00:00Z`), c.get('locale'), 'UTC');
    return page(c, fmt(m.offboarding.thanksTitle, { name: form.name }), <ThanksPage m={m} csrfToken={c.get('csrfToken')} id={c.req.param('id')} name={form.name} date={date} message={form.message} locked={form.locked} />);
  })
  .post('/offboarding/:id/thanks', allow('member'), async (c) => {
    const m = c.get('m');
    const message = (await readForm(c)).message?.trim() ?? '';
    const id = c.req.param('id');
    if (message) await offboarding.saveThanks(ctx(c), id, message);
    const form = await offboarding.getThanksForm(ctx(c), id);
    const date = formatDate(new Date(`${form.lastDay}T00:00:00Z`), c.get('locale'), 'UTC');
    return page(
      c,
      fmt(m.offboarding.thanksTitle, { name: form.name }),
      <ThanksPage m={m} csrfToken={c.get('csrfToken')} id={id} name={form.name} date={date} message={form.message} locked={form.locked} saved={Boolean(message) && !form.locked} />,
      message ? 200 : 422,
    );
  });
