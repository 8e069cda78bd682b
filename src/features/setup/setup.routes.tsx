import { Hono } from 'hono';
import { allow } from '../../shared/auth/access.ts';
import type { AppEnv } from '../../shared/http/context.ts';
import { validateForm } from '../../shared/http/form.ts';
import { authHeaders, forwardCookies, setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { AppError } from '../../shared/errors.ts';
import { setupSchema } from './setup.schema.ts';
import { completeSetup, isSetUp } from './setup.service.ts';
import { SetupPage, setupLabels } from './views/SetupPage.tsx';
import { Message } from '../auth/views/AuthPages.tsx';

const timeZones = (() => {
  const all = Intl.supportedValuesOf('timeZone');
  return ['Asia/Tokyo', ...all.filter((tz) => tz !== 'Asia/Tokyo')];
})();

export const setupRoutes = new Hono<AppEnv>()
  .get('/setup', allow('public'), async (c) => {
    const m = c.get('m');
    if (await isSetUp(c.get('deps').db)) {
      return page(c, m.setup.title, <Message title={m.setup.title} text={m.setup.alreadyDone} link={{ href: '/', label: m.errors.backHome }} />, 410);
    }
    return page(c, m.setup.title, <SetupPage m={m} csrfToken={c.get('csrfToken')} values={{}} errors={{}} timeZones={timeZones} />);
  })
  .post('/setup', allow('public'), async (c) => {
    const { db, auth } = c.get('deps');
    if (await isSetUp(db)) throw new AppError('GONE');
    const m = c.get('m');
    const form = await validateForm(c, setupSchema, setupLabels(m));
    if (!form.ok) {
      return page(c, m.setup.title, <SetupPage m={m} csrfToken={c.get('csrfToken')} values={form.values} errors={form.errors} timeZones={timeZones} />, 422);
    }
    await completeSetup({ db, input: form.data, ip: c.get('clientIp'), locale: c.get('locale') });
    // Sign the new operator in; two-factor enrolment is required before anything else.
    const res = await auth.api.signInEmail({
      body: { email: form.data.email, password: form.data.password },
      headers: authHeaders(c),
      asResponse: true,
    });
    forwardCookies(c, res.headers);
    setFlash(c, 'setup.done');
    return c.redirect('/account/two-factor', 303);
  });
