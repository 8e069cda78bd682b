import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { allow } from '../../shared/auth/access.ts';
import { AppError } from '../../shared/errors.ts';
import type { AppEnv } from '../../shared/http/context.ts';
import { readForm, translateIssues } from '../../shared/http/form.ts';
import { authHeaders, forwardCookies, setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { fmt, isLocale } from '../../shared/i18n/index.ts';
import { localized } from '../../shared/network.ts';
import { email, kana, optionalText, password, text } from '../../shared/validation.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { Message } from '../auth/views/AuthPages.tsx';
import {
  acceptInvitation,
  declineInvitation,
  departmentsForFilter,
  getWaveDetail,
  isLegalBasis,
  listWaves,
  openInvitation,
  PREFERENCE_TOPICS,
  previewWave,
  readSegment,
  revokeInvitation,
  sendWave,
  type GoneReason,
} from './invitations.service.ts';
import { NewWavePage, WavePage, WavesPage, type FilterValues } from './views/InvitationPages.tsx';
import { CONSENT_FIELDS, JoinPage } from './views/JoinPages.tsx';

const operators = ['operator'] as const;

function ctx(c: Context<AppEnv>) {
  return { db: c.get('deps').db, actor: c.get('actor'), ip: c.get('clientIp') };
}

function base(c: Context<AppEnv>) {
  return { m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), timeZone: c.get('settings')?.timeZone ?? 'Asia/Tokyo' };
}

/** The filter from a query string or a form body (repeated keys for the multi-choices). */
function filterFrom(one: (key: string) => string | undefined, all: (key: string) => string[]): FilterValues {
  return {
    departments: all('department').slice(0, 1000),
    leftFrom: (one('leftFrom') ?? '').slice(0, 10),
    leftTo: (one('leftTo') ?? '').slice(0, 10),
    rehire: all('rehire').slice(0, 10),
    onlyNotInvited: one('onlyNotInvited') === '1',
    onlyWithEmail: one('onlyWithEmail') === '1',
    basis: (one('basis') ?? '').slice(0, 40),
  };
}

async function renderNewWave(
  c: Context<AppEnv>,
  filter: FilterValues,
  opts: { preview: boolean; sendValues?: Record<string, string>; sendErrors?: FieldErrors; status?: 200 | 422 } = { preview: false },
) {
  const b = base(c);
  const v = b.m.invitations;
  const { segment, errors } = readSegment(filter);
  const filterErrors: FieldErrors = {};
  if (errors.leftFrom) filterErrors.leftFrom = v.invalidYear;
  if (errors.leftTo) filterErrors.leftTo = v.invalidYear;
  if (opts.preview && !isLegalBasis(filter.basis)) filterErrors.basis = v.invalidBasis;
  const ok = Object.keys(filterErrors).length === 0;
  const preview = opts.preview && ok && isLegalBasis(filter.basis) ? await previewWave(ctx(c), segment, filter.basis) : null;
  const departments = await departmentsForFilter(ctx(c));
  return page(
    c,
    v.newTitle,
    <NewWavePage
      {...b}
      departments={departments}
      filter={filter}
      filterErrors={filterErrors}
      preview={preview}
      sendValues={opts.sendValues ?? {}}
      sendErrors={opts.sendErrors ?? {}}
    />,
    opts.status ?? (opts.preview && !ok ? 422 : 200),
  );
}

function gone(c: Context<AppEnv>, reason: GoneReason) {
  const j = c.get('m').invitations.join;
  return page(
    c,
    j.invalidTitle,
    <Message title={j.invalidTitle} text={j[reason]} link={reason === 'used' ? { href: '/auth/sign-in', label: j.signInLink } : undefined} />,
    410,
  );
}

const joinSchema = z.object({
  name: text(100),
  nameKana: kana,
  email,
  password,
  passwordConfirm: z.string().max(200),
  locale: z.enum(['ja', 'en']).default('ja'),
  currentEmployer: optionalText(200),
  currentTitle: optionalText(200),
});

function renderJoin(c: Context<AppEnv>, token: string, values: Record<string, string>, errors: FieldErrors, status: 200 | 422 = 200) {
  const settings = c.get('settings')!;
  const locale = c.get('locale');
  const { password: _p, passwordConfirm: _pc, ...kept } = values;
  const network = localized(settings, locale, 'name');
  return page(
    c,
    fmt(c.get('m').invitations.join.title, { network }),
    <JoinPage
      m={c.get('m')}
      csrfToken={c.get('csrfToken')}
      token={token}
      network={network}
      purpose={localized(settings, locale, 'purpose')}
      rules={localized(settings, locale, 'rules')}
      values={kept}
      errors={errors}
    />,
    status,
  );
}

export const invitationRoutes = new Hono<AppEnv>()
  .get('/admin/invitations', allow(operators), async (c) => {
    const b = base(c);
    const waves = await listWaves(ctx(c));
    return page(c, b.m.invitations.wavesTitle, <WavesPage {...b} waves={waves} />);
  })
  .get('/admin/invitations/new', allow(operators), (c) =>
    renderNewWave(
      c,
      filterFrom(
        (k) => c.req.query(k),
        (k) => c.req.queries(k) ?? [],
      ),
      { preview: c.req.query('preview') === '1' },
    ),
  )
  .post('/admin/invitations/waves', allow(operators), async (c) => {
    const v = c.get('m').invitations;
    const body = await c.req.parseBody({ all: true });
    const all = (k: string) => {
      const value = body[k];
      return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((x): x is string => typeof x === 'string');
    };
    const one = (k: string) => all(k)[0];
    const filter = filterFrom(one, all);
    const sendValues = { name: (one('name') ?? '').slice(0, 200), note: (one('note') ?? '').slice(0, 2000), locale: one('locale') === 'en' ? 'en' : 'ja' };
    const sendErrors: FieldErrors = {};
    if (!sendValues.name.trim()) sendErrors.name = fmt(c.get('m').validation.required, { field: v.name });
    if (filter.basis === 'operator_recorded' && !sendValues.note.trim()) sendErrors.note = v.noteRequired;
    const { segment, errors } = readSegment(filter);
    if (!isLegalBasis(filter.basis) || Object.keys(errors).length > 0 || Object.keys(sendErrors).length > 0) {
      return renderNewWave(c, filter, { preview: true, sendValues, sendErrors, status: 422 });
    }
    const result = await sendWave(
      ctx(c),
      { name: sendValues.name, segment, basis: filter.basis, note: sendValues.note, locale: sendValues.locale as 'ja' | 'en' },
    );
    if (!result.waveId) {
      setFlash(c, 'invitations.sentNone');
      return c.redirect('/admin/invitations', 303);
    }
    c.get('deps').wakeWorkers();
    setFlash(c, 'invitations.sent', { count: result.invited.toLocaleString() });
    return c.redirect(`/admin/invitations/waves/${result.waveId}`, 303);
  })
  .get('/admin/invitations/waves/:id', allow(operators), async (c) => {
    const b = base(c);
    const pageNo = Number.parseInt(c.req.query('page') ?? '1', 10) || 1;
    const detail = await getWaveDetail(ctx(c), c.req.param('id'), pageNo);
    // While the send job runs, the page refreshes itself: progress without JavaScript.
    if (!detail.wave.sentAt) c.header('Refresh', '3');
    return page(c, fmt(b.m.invitations.waveTitle, { name: detail.wave.name }), <WavePage {...b} {...detail} />);
  })
  .post('/admin/invitations/revoke/:id', allow(operators), async (c) => {
    const waveId = await revokeInvitation(ctx(c), c.req.param('id'));
    setFlash(c, 'invitations.revoked');
    return c.redirect(waveId ? `/admin/invitations/waves/${waveId}` : '/admin/invitations', 303);
  })
  // ------------------------------------------------------------ joining (public: the token is the key)
  .get('/join', allow('public'), async (c) => {
    const token = c.req.query('token') ?? '';
    const opened = await openInvitation({ db: c.get('deps').db }, token);
    if (!opened.ok) return gone(c, opened.reason);
    const inv = opened.invitation;
    // The invitation's language, unless the visitor switched the page to another one.
    const locale = c.req.query('lang') ? c.get('locale') : inv.locale;
    return renderJoin(c, token, { name: inv.name, nameKana: inv.nameKana, email: inv.email, locale }, {});
  })
  .post('/join', allow('public'), async (c) => {
    const m = c.get('m');
    const j = m.invitations.join;
    const { db, auth } = c.get('deps');
    const values = await readForm(c);
    const token = values.token ?? '';
    const opened = await openInvitation({ db }, token);
    if (!opened.ok) return gone(c, opened.reason);

    const parsed = joinSchema.safeParse(values);
    const labels = { name: j.name, nameKana: j.nameKana, email: j.email, password: j.password, passwordConfirm: j.passwordConfirm, currentEmployer: j.currentEmployer, currentTitle: j.currentTitle };
    const errors: FieldErrors = parsed.success ? {} : translateIssues(m, parsed.error.issues, labels);
    if (!errors.password && !errors.passwordConfirm && values.password !== values.passwordConfirm) errors.passwordConfirm = m.validation.passwordMismatch;
    const missing = { consentPurpose: j.consentPurposeMissing, consentRules: j.consentRulesMissing, consentContact: j.consentContactMissing };
    for (const field of CONSENT_FIELDS) if (values[field] !== '1') errors[field] = missing[field];
    if (!parsed.success || Object.keys(errors).length > 0) return renderJoin(c, token, values, errors, 422);

    const input = parsed.data;
    const result = await acceptInvitation({ db, ip: c.get('clientIp') }, token, {
      name: input.name,
      nameKana: input.nameKana,
      email: input.email,
      password: input.password,
      locale: isLocale(input.locale) ? input.locale : 'ja',
      preferences: Object.fromEntries(PREFERENCE_TOPICS.map((topic) => [topic, values[`pref-${topic}`] === '1'])) as Record<(typeof PREFERENCE_TOPICS)[number], boolean>,
      currentEmployer: input.currentEmployer,
      currentTitle: input.currentTitle,
      consents: { purposeOfUse: true, rules: true, contact: true },
    });
    if (result.status === 'gone') return gone(c, result.reason);
    if (result.status === 'emailInUse') return renderJoin(c, token, values, { email: j.emailInUse }, 422);

    if (!result.emailVerified) {
      // A different address than the invited one: confirmed by a link first (better-auth's own mail).
      const headers = authHeaders(c);
      headers.delete('cookie');
      await auth.api.sendVerificationEmail({ body: { email: result.email, callbackURL: '/' }, headers });
      return page(c, j.verifySentTitle, <Message title={j.verifySentTitle} text={fmt(j.verifySent, { email: result.email })} />);
    }
    const res = await auth.api.signInEmail({ body: { email: result.email, password: input.password }, headers: authHeaders(c), asResponse: true });
    if (!res.ok) throw new AppError('INTERNAL', `sign-in after joining failed: ${res.status}`);
    forwardCookies(c, res.headers);
    return c.redirect('/', 303);
  })
  .post('/join/decline', allow('public'), async (c) => {
    const j = c.get('m').invitations.join;
    const values = await readForm(c);
    const result = await declineInvitation({ db: c.get('deps').db, ip: c.get('clientIp') }, values.token ?? '');
    if (!result.ok) return gone(c, result.reason);
    return page(c, j.declinedTitle, <Message title={j.declinedTitle} text={j.declined} />);
  });
