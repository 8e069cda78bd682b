import { Hono } from 'hono';
import { allow } from '../../shared/auth/access.ts';
import type { AppEnv } from '../../shared/http/context.ts';
import { fmt, formatDate } from '../../shared/i18n/index.ts';
import { reviewDueSince } from '../profiles/profiles.service.ts';
import { localized } from '../../shared/network.ts';
import { page } from '../../shared/http/render.tsx';
import { ownRequest } from '../verification/verification.service.ts';
import { SignupStatus } from '../verification/views/VerificationPages.tsx';

export const homeRoutes = new Hono<AppEnv>().get('/', allow('public'), async (c) => {
  const m = c.get('m');
  const locale = c.get('locale');
  const settings = c.get('settings')!;
  const actor = c.get('actor');
  const name = localized(settings, locale, 'name');
  const purpose = localized(settings, locale, 'purpose');
  const rules = localized(settings, locale, 'rules');
  if (!actor) {
    return page(
      c,
      name,
      <div class="narrow">
        <h1>{name}</h1>
        <p class="lead">{fmt(m.home.landingIntro, { network: name })}</p>
        <section class="card">
          <h2>{m.home.purpose}</h2>
          <p class="prose">{purpose}</p>
        </section>
        <p class="actions">
          <a class="button" href="/auth/sign-in">
            {m.nav.signIn}
          </a>
          <a class="button button--secondary" href="/auth/sign-up">
            {m.nav.signUp}
          </a>
        </p>
      </div>,
    );
  }
  // A self sign-up still being verified sees where their request stands.
  const request = actor.status === 'pending' ? await ownRequest(c.get('deps').db, actor) : null;
  const reviewSince = await reviewDueSince(c.get('deps').db, c.get('deps').config, actor);
  return page(
    c,
    m.nav.home,
    <div class="narrow">
      <h1>{fmt(m.home.welcome, { name: actor.name })}</h1>
      {reviewSince ? (
        <div class="notice notice--warning">
          <p>{fmt(m.profiles.review.banner, { date: formatDate(reviewSince, locale, settings.timeZone) })}</p>
          <p>
            <a href="/profile">{m.profiles.myProfile}</a>
          </p>
        </div>
      ) : null}
      {actor.status === 'pending' ? request ? <SignupStatus m={m} request={request} link /> : <p class="notice">{m.home.pending}</p> : null}
      {actor.role === 'operator' ? (
        <section class="card">
          <h2>{m.home.operatorTasks}</h2>
          <ul>
            <li>
              <a href="/admin/people">{m.nav.people}</a>
            </li>
            <li>
              <a href="/admin/audit">{m.nav.audit}</a>
            </li>
            <li>
              <a href="/admin/outbox">{m.nav.outbox}</a>
            </li>
          </ul>
        </section>
      ) : null}
      <section class="card">
        <h2>{m.home.purpose}</h2>
        <p class="prose">{purpose}</p>
      </section>
      <section class="card">
        <h2>{m.home.rules}</h2>
        <p class="prose">{rules}</p>
      </section>
    </div>,
  );
});
