import { Hono } from 'hono';
import { z } from 'zod';
import { allow } from '../../shared/auth/access.ts';
import type { AppEnv } from '../../shared/http/context.ts';
import { validateForm } from '../../shared/http/form.ts';
import { authHeaders, forwardCookies } from '../../shared/http/middleware.ts';
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import { localized } from '../../shared/network.ts';
import { page } from '../../shared/http/render.tsx';
import { kana, password, text } from '../../shared/validation.ts';
import { CsrfField, ErrorSummary, Input, Submit, type FieldErrors } from '../../shared/views/form.tsx';
import { Message } from '../auth/views/AuthPages.tsx';
import { acceptInvitation, findInvitation } from './staff.service.ts';

const acceptSchema = z
  .object({ token: z.string().max(200), name: text(100), nameKana: kana, password, passwordConfirm: z.string() })
  .refine((v) => v.password === v.passwordConfirm, { message: 'passwordMismatch', path: ['passwordConfirm'] });

function AcceptPage(p: { m: Messages; csrfToken: string; token: string; intro: string; title: string; values: Record<string, string>; errors: FieldErrors }) {
  const { m } = p;
  const labels = { name: m.auth.name, nameKana: m.auth.nameKana, password: m.auth.password, passwordConfirm: m.auth.passwordConfirm };
  return (
    <div class="narrow">
      <h1>{p.title}</h1>
      <p class="lead">{p.intro}</p>
      <ErrorSummary m={m} errors={p.errors} />
      <form method="post" action="/invite/staff" class="card" novalidate>
        <CsrfField token={p.csrfToken} />
        <input type="hidden" name="token" value={p.token} />
        <Input m={m} name="name" label={labels.name} value={p.values.name} error={p.errors.name} required autocomplete="name" maxlength={100} />
        <Input m={m} name="nameKana" label={labels.nameKana} value={p.values.nameKana} error={p.errors.nameKana} maxlength={100} />
        <Input m={m} name="password" type="password" label={labels.password} hint={m.setup.passwordHint} error={p.errors.password} required autocomplete="new-password" />
        <Input m={m} name="passwordConfirm" type="password" label={labels.passwordConfirm} error={p.errors.passwordConfirm} required autocomplete="new-password" />
        <Submit label={m.staffInvite.accept} />
      </form>
    </div>
  );
}

export const staffRoutes = new Hono<AppEnv>()
  .get('/invite/staff', allow('public'), async (c) => {
    const m = c.get('m');
    const token = c.req.query('token') ?? '';
    const inv = await findInvitation(c.get('deps').db, token);
    const network = localized(c.get('settings')!, c.get('locale'), 'name');
    const title = fmt(m.staffInvite.title, { network });
    if (!inv) return page(c, title, <Message title={title} text={m.staffInvite.invalid} />, 410);
    const intro = fmt(m.staffInvite.intro, { network, role: m.roles[inv.role] });
    return page(c, title, <AcceptPage m={m} csrfToken={c.get('csrfToken')} token={token} title={title} intro={intro} values={{}} errors={{}} />);
  })
  .post('/invite/staff', allow('public'), async (c) => {
    const m = c.get('m');
    const { db, auth } = c.get('deps');
    const network = localized(c.get('settings')!, c.get('locale'), 'name');
    const title = fmt(m.staffInvite.title, { network });
    const form = await validateForm(c, acceptSchema, { name: m.auth.name, password: m.auth.password, passwordConfirm: m.auth.passwordConfirm });
    const token = form.values.token ?? '';
    if (!form.ok) {
      const inv = await findInvitation(db, token);
      if (!inv) return page(c, title, <Message title={title} text={m.staffInvite.invalid} />, 410);
      const intro = fmt(m.staffInvite.intro, { network, role: m.roles[inv.role] });
      return page(c, title, <AcceptPage m={m} csrfToken={c.get('csrfToken')} token={token} title={title} intro={intro} values={form.values} errors={form.errors} />, 422);
    }
    const accepted = await acceptInvitation({ db, ip: c.get('clientIp') }, token, form.data);
    if (!accepted) return page(c, title, <Message title={title} text={m.staffInvite.invalid} />, 410);
    const res = await auth.api.signInEmail({ body: { email: accepted.email, password: form.data.password }, headers: authHeaders(c), asResponse: true });
    forwardCookies(c, res.headers);
    return c.redirect('/', 303);
  });
