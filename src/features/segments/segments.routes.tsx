/** Segment pages: /admin/segments (list, new, edit, live count, archive). */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { allow } from '../../shared/auth/access.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { readForm } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { fmt } from '../../shared/i18n/index.ts';
import { groupChoices } from '../groups/groups.service.ts';
import { departmentOptions } from '../profiles/profiles.service.ts';
import { formValuesOf, parseSegmentForm } from './segment.form.ts';
import * as segments from './segments.service.ts';
import { SegmentFormPage, SegmentListPage } from './views/SegmentPages.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MANAGERS = allow(['operator', 'community_manager']);

const base = (c: Context<AppEnv>) => ({ m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), timeZone: c.get('settings')?.timeZone ?? 'Asia/Tokyo' });
const actorOf = (c: Context<AppEnv>) => c.get('actor') as Actor;
const idOf = (c: Context<AppEnv>) => {
  const id = c.req.param('id') ?? '';
  return UUID.test(id) ? id : null;
};

/** Saves or counts a submitted form (intent=count re-renders it with the count, saving nothing). */
async function submit(c: Context<AppEnv>, id: string | null) {
  const { db } = c.get('deps');
  const actor = actorOf(c);
  const m = c.get('m');
  if (id) await segments.getSegment(db, actor, id);
  const values = await readForm(c);
  const [departments, groups] = await Promise.all([departmentOptions(db), groupChoices(db, actor)]);
  const counting = values.intent === 'count';
  // Counting needs a valid filter, not a name.
  const parsed = parseSegmentForm(m, counting ? { ...values, name: values.name?.trim() || '-' } : values, departments.map((d) => d.id), groups.map((g) => g.id));
  const title = id ? m.segments.edit : m.segments.create;
  if (!parsed.ok) {
    return page(c, title, <SegmentFormPage v={base(c)} id={id} values={values} errors={parsed.errors} departments={departments} groups={groups} size={null} filter={null} />, 422);
  }
  if (counting) {
    const size = await segments.countFor(db, actor, parsed.data.filter);
    return page(c, title, <SegmentFormPage v={base(c)} id={id} values={values} errors={{}} departments={departments} groups={groups} size={size} filter={parsed.data.filter} />);
  }
  const ip = c.get('clientIp');
  const savedId = id ?? (await segments.createSegment(db, actor, parsed.data, ip));
  if (id) await segments.updateSegment(db, actor, id, parsed.data, ip);
  setFlash(c, 'segments.saved');
  return c.redirect(`/admin/segments/${savedId}`, 303);
}

export const segmentRoutes = new Hono<AppEnv>()
  .get('/admin/segments', MANAGERS, async (c) => {
    const rows = await segments.listSegments(c.get('deps').db, actorOf(c));
    return page(c, c.get('m').segments.title, <SegmentListPage v={base(c)} segments={rows} />);
  })
  .get('/admin/segments/new', MANAGERS, async (c) => {
    const { db } = c.get('deps');
    const [departments, groups] = await Promise.all([departmentOptions(db), groupChoices(db, actorOf(c))]);
    return page(c, c.get('m').segments.create, <SegmentFormPage v={base(c)} id={null} values={{}} errors={{}} departments={departments} groups={groups} size={null} filter={null} />);
  })
  .post('/admin/segments', MANAGERS, (c) => submit(c, null))
  /** The live count for the enhancement script: the same form, answered as JSON. */
  .post('/admin/segments/count', MANAGERS, async (c) => {
    const { db } = c.get('deps');
    const m = c.get('m');
    const [departments, groups] = await Promise.all([departmentOptions(db), groupChoices(db, actorOf(c))]);
    const parsed = parseSegmentForm(m, { ...(await readForm(c)), name: '-' }, departments.map((d) => d.id), groups.map((g) => g.id));
    if (!parsed.ok) return c.json({ ok: false, text: Object.values(parsed.errors).join(' ') }, 422);
    const size = await segments.countFor(db, actorOf(c), parsed.data.filter);
    const text = size.rounded ? fmt(m.segments.countFewer, { n: segments.SMALL_COUNT }) : fmt(m.segments.countLabel, { count: size.count.toLocaleString() });
    return c.json({ ok: true, text });
  })
  .get('/admin/segments/:id', MANAGERS, async (c) => {
    const id = idOf(c);
    if (!id) return c.notFound();
    const { db } = c.get('deps');
    const actor = actorOf(c);
    const segment = await segments.getSegment(db, actor, id);
    const [departments, groups, size] = await Promise.all([departmentOptions(db), groupChoices(db, actor), segments.countFor(db, actor, segment.filter)]);
    return page(
      c,
      segment.name,
      <SegmentFormPage v={base(c)} id={id} values={formValuesOf(segment)} errors={{}} departments={departments} groups={groups} size={size} filter={segment.filter} />,
    );
  })
  .post('/admin/segments/:id', MANAGERS, (c) => {
    const id = idOf(c);
    return id ? submit(c, id) : c.notFound();
  })
  .post('/admin/segments/:id/archive', MANAGERS, async (c) => {
    const id = idOf(c);
    if (!id) return c.notFound();
    await segments.archiveSegment(c.get('deps').db, actorOf(c), id, c.get('clientIp'));
    setFlash(c, 'segments.archived');
    return c.redirect('/admin/segments', 303);
  });
