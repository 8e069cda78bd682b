/** Profile and directory routes: /profile (one's own), /members (the directory), operators' views. */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { allow } from '../../shared/auth/access.ts';
import { can } from '../../shared/auth/can.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { readForm } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { fmt } from '../../shared/i18n/index.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { messageLinkFor } from '../messages/messages.links.ts';
import { parseLinkedInExport } from './linkedin.ts';
import { proposeChanges, readPickedChanges } from './linkedin.proposal.ts';
import { PHOTO_KEY } from './photo.ts';
import { audienceOf, INDUSTRIES, PREFECTURES, WANTS, type Want } from './profile.fields.ts';
import { formValuesOf, parseProfileForm } from './profile.form.ts';
import { isListed, presentProfile, visibilities } from './profile.present.ts';
import * as profiles from './profiles.service.ts';
import { ActivityPage, DirectoryPage, HrFactsPage, type DirectoryFilters } from './views/DirectoryPages.tsx';
import { BlockedPage, EditProfilePage, ImportPage, ImportPreviewPage, MemberPage, OwnProfilePage, type PreviewAs } from './views/ProfilePages.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const YEAR = /^(19|20)\d{2}$/;

function base(c: Context<AppEnv>) {
  return { m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), timeZone: c.get('settings')?.timeZone ?? 'Asia/Tokyo' };
}

const deps = (c: Context<AppEnv>) => c.get('deps');
const actorOf = (c: Context<AppEnv>) => c.get('actor') as Actor;

async function renderOwn(c: Context<AppEnv>, photoError?: string, status: 200 | 422 = 200) {
  const { db, config } = deps(c);
  const actor = actorOf(c);
  const record = await profiles.ownProfile(db, actor);
  const as = c.req.query('as');
  const previewAs: PreviewAs = as === 'alumni' || as === 'staff' ? as : 'self';
  const presented = presentProfile(record, previewAs === 'self' ? { self: true } : { self: false, audience: previewAs });
  return page(
    c,
    c.get('m').profiles.myProfile,
    <OwnProfilePage
      v={base(c)}
      profile={presented}
      visibility={visibilities(record)}
      previewAs={previewAs}
      reviewDue={profiles.reviewDue(record, config)}
      reviewedAt={record.reviewedAt}
      hidden={record.hidden}
      listedRole={isListed({ ...record, hidden: false })}
      photoError={photoError}
    />,
    status,
  );
}

async function renderEdit(c: Context<AppEnv>, values?: Record<string, string>, errors: FieldErrors = {}, status: 200 | 422 = 200) {
  const record = await profiles.ownProfile(deps(c).db, actorOf(c));
  const v = values ?? formValuesOf({ ...record, visibility: visibilities(record) });
  return page(c, c.get('m').profiles.editTitle, <EditProfilePage v={base(c)} values={v} errors={errors} />, status);
}

/** Reads the directory's query string; unknown values are dropped, bad years are reported. */
function readFilters(c: Context<AppEnv>): { filters: DirectoryFilters; errors: Record<string, string> } {
  const m = c.get('m');
  const q = (name: string) => (c.req.query(name) ?? '').trim();
  const errors: Record<string, string> = {};
  const year = (name: 'leftFrom' | 'leftTo') => {
    const value = q(name).normalize('NFKC');
    if (value && !YEAR.test(value)) errors[name] = `${m.profiles.directory[name]}: ${m.profiles.directory.yearRange}`;
    return value;
  };
  const sort = q('sort');
  const filters: DirectoryFilters = {
    q: q('q').slice(0, 200),
    department: UUID.test(q('department')) ? q('department') : '',
    leftFrom: year('leftFrom'),
    leftTo: year('leftTo'),
    industry: (INDUSTRIES as readonly string[]).includes(q('industry')) ? q('industry') : '',
    skill: q('skill').slice(0, 40),
    prefecture: PREFECTURES.includes(q('prefecture')) ? q('prefecture') : '',
    wants: (c.req.queries('wants') ?? []).filter((w): w is Want => (WANTS as readonly string[]).includes(w)),
    sort: sort === 'joined' || sort === 'updated' ? sort : 'kana',
  };
  return { filters, errors };
}

export const profileRoutes = new Hono<AppEnv>()
  .get('/profile', allow('verified'), (c) => renderOwn(c))
  .get('/profile/edit', allow('verified'), (c) => renderEdit(c))
  .post('/profile/edit', allow('verified'), async (c) => {
    const values = await readForm(c);
    const parsed = parseProfileForm(c.get('m'), values);
    if (!parsed.ok) return renderEdit(c, values, parsed.errors, 422);
    await profiles.saveProfile(deps(c).db, actorOf(c), parsed.data);
    setFlash(c, 'profiles.saved');
    return c.redirect('/profile', 303);
  })
  .post('/profile/confirm', allow('verified'), async (c) => {
    await profiles.confirmReviewed(deps(c).db, actorOf(c));
    setFlash(c, 'profiles.review.confirmed');
    return c.redirect('/profile', 303);
  })
  .post('/profile/hidden', allow('verified'), async (c) => {
    const hidden = (await readForm(c)).hidden === '1';
    await profiles.setHidden(deps(c).db, actorOf(c), hidden);
    setFlash(c, hidden ? 'profiles.hide.hiddenDone' : 'profiles.hide.shownDone');
    return c.redirect('/profile', 303);
  })
  .post('/profile/photo', allow('verified'), async (c) => {
    const m = c.get('m');
    const body = await c.req.parseBody();
    const file = body.photo;
    if (!(file instanceof File) || file.size === 0) return renderOwn(c, m.profiles.errors.photo.missing, 422);
    const result = await profiles.setPhoto(deps(c).db, deps(c).config, actorOf(c), new Uint8Array(await file.arrayBuffer()));
    if (!result.ok) return renderOwn(c, m.profiles.errors.photo[result.error], 422);
    setFlash(c, 'profiles.photo.updated');
    return c.redirect('/profile', 303);
  })
  .post('/profile/photo/delete', allow('verified'), async (c) => {
    await profiles.removePhoto(deps(c).db, deps(c).config, actorOf(c));
    setFlash(c, 'profiles.photo.removed');
    return c.redirect('/profile', 303);
  })
  .get('/profile/blocked', allow('verified'), async (c) => {
    const blocked = await profiles.blockedMembers(deps(c).db, actorOf(c));
    return page(c, c.get('m').profiles.blocks.title, <BlockedPage v={base(c)} blocked={blocked} />);
  })
  .get('/profile/import', allow('verified'), (c) => page(c, c.get('m').profiles.importer.title, <ImportPage v={base(c)} />))
  .post('/profile/import', allow('verified'), async (c) => {
    const m = c.get('m');
    const body = await c.req.parseBody();
    const file = body.file;
    if (!(file instanceof File) || file.size === 0) return page(c, m.profiles.importer.title, <ImportPage v={base(c)} error={m.profiles.importer.errors.missing} />, 422);
    const parsed = parseLinkedInExport(new Uint8Array(await file.arrayBuffer()));
    if (!parsed.ok) return page(c, m.profiles.importer.title, <ImportPage v={base(c)} error={m.profiles.importer.errors[parsed.error]} />, 422);
    const record = await profiles.ownProfile(deps(c).db, actorOf(c));
    const changes = proposeChanges(record, parsed.profile).map((ch) => ({ ...ch, label: m.profiles.fields[ch.key] }));
    return page(c, m.profiles.importer.previewTitle, <ImportPreviewPage v={base(c)} changes={changes} />);
  })
  .post('/profile/import/apply', allow('verified'), async (c) => {
    const picked = readPickedChanges(await readForm(c));
    if (Object.keys(picked).length === 0) {
      setFlash(c, 'profiles.importer.noneSelected');
      return c.redirect('/profile', 303);
    }
    await profiles.applyProfileChanges(deps(c).db, actorOf(c), picked);
    setFlash(c, 'profiles.importer.applied');
    return c.redirect('/profile', 303);
  })
  .get('/members', allow('verified'), async (c) => {
    const { db, config } = deps(c);
    const actor = actorOf(c);
    const { filters, errors } = readFilters(c);
    const after = c.req.query('after')?.slice(0, 500);
    const result = await profiles.searchDirectory(db, config, actor, {
      q: filters.q,
      department: filters.department || undefined,
      leftFrom: filters.leftFrom && !errors.leftFrom ? Number(filters.leftFrom) : undefined,
      leftTo: filters.leftTo && !errors.leftTo ? Number(filters.leftTo) : undefined,
      industry: filters.industry || undefined,
      skill: filters.skill || undefined,
      prefecture: filters.prefecture || undefined,
      wants: filters.wants.length ? filters.wants : undefined,
      sort: filters.sort,
      after,
    });
    const browsing = !after && !filters.q && !filters.department && !filters.leftFrom && !filters.leftTo && !filters.industry && !filters.skill && !filters.prefecture && !filters.wants.length;
    const [departments, colleagues] = await Promise.all([profiles.departmentOptions(db), browsing ? profiles.formerColleagues(db, actor) : Promise.resolve(null)]);
    return page(
      c,
      c.get('m').profiles.directory.title,
      <DirectoryPage
        v={base(c)}
        audience={audienceOf(actor.role)}
        filters={filters}
        errors={errors}
        departments={departments}
        hits={result.hits}
        next={result.next}
        paged={Boolean(after)}
        capped={result.capped}
        colleagues={colleagues}
      />,
    );
  })
  .get('/members/:id', allow('verified'), async (c) => {
    const actor = actorOf(c);
    const id = c.req.param('id');
    if (id === actor.id) return c.redirect('/profile', 303);
    const profile = await profiles.viewProfile(deps(c).db, deps(c).config, actor, id);
    const messageHref = messageLinkFor({ role: actor.role, secretariat: can(actor, 'messages.secretariat') }, profile);
    return page(c, profile.name ?? '', <MemberPage v={base(c)} profile={profile} canSeeHr={can(actor, 'directory.viewHrFacts')} messageHref={messageHref} />);
  })
  .get('/members/:id/photo/:key', allow('verified'), async (c) => {
    const key = c.req.param('key');
    if (!PHOTO_KEY.test(key)) return c.notFound();
    const bytes = await profiles.readPhoto(deps(c).db, deps(c).config, actorOf(c), c.req.param('id'), key);
    // The key changes with every upload, so a private cache may keep it; nosniff comes from secureHeaders.
    c.header('Cache-Control', 'private, max-age=86400');
    return c.body(new Uint8Array(bytes), 200, { 'Content-Type': 'image/webp', 'Content-Disposition': 'inline' });
  })
  .post('/members/:id/block', allow('verified'), async (c) => {
    const id = c.req.param('id');
    const profile = await profiles.viewProfile(deps(c).db, deps(c).config, actorOf(c), id);
    await profiles.blockMember(deps(c).db, actorOf(c), id);
    setFlash(c, 'profiles.blocks.blocked', { name: profile.name ?? '' });
    return c.redirect('/members', 303);
  })
  .post('/members/:id/unblock', allow('verified'), async (c) => {
    await profiles.unblockMember(deps(c).db, actorOf(c), c.req.param('id'));
    setFlash(c, 'profiles.blocks.unblocked');
    return c.redirect('/profile/blocked', 303);
  })
  .get('/members/:id/hr', allow(['operator']), async (c) => {
    const { record, facts } = await profiles.hrFacts(deps(c).db, actorOf(c), c.req.param('id'), c.get('clientIp'));
    const m = c.get('m');
    return page(
      c,
      fmt(m.profiles.hr.title, { name: record.name }),
      <HrFactsPage
        v={base(c)}
        name={record.name}
        facts={
          facts
            ? {
                employeeNumber: facts.employeeNumber,
                joinedOn: facts.joinedOn,
                leftOn: facts.leftOn,
                title: facts.title,
                rehireEligible: facts.rehireEligible,
                contactStatus: facts.contactStatus,
                rehiredOn: facts.rehiredOn,
              }
            : null
        }
        tenure={record.tenure}
      />,
    );
  })
  .get('/admin/directory-activity', allow(['operator']), async (c) => {
    const { db, config } = deps(c);
    const rows = await profiles.unusualActivity(db, config, actorOf(c));
    return page(
      c,
      c.get('m').profiles.activity.title,
      <ActivityPage v={base(c)} rows={rows} limits={{ profiles: config.directoryProfileViewsPerHour, searches: config.directorySearchesPerHour }} />,
    );
  });
