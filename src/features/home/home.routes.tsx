import { Hono } from 'hono';
import { allow } from '../../shared/auth/access.ts';
import type { AppEnv } from '../../shared/http/context.ts';
import { fmt, formatDate, formatDayDateTime, type Locale, type Messages } from '../../shared/i18n/index.ts';
import { reviewDueSince } from '../profiles/profiles.service.ts';
import { localized } from '../../shared/network.ts';
import { page } from '../../shared/http/render.tsx';
import { ownRequest } from '../verification/verification.service.ts';
import { SignupStatus } from '../verification/views/VerificationPages.tsx';
import { homeFeed, type HomeFeed, type HomeItem } from './home.service.ts';
import type { Reason } from './recommend.ts';

function reasonText(m: Messages, r: Reason): string {
  if (r.kind === 'want') return m.home.because.want[r.want];
  if (r.kind === 'skill') return fmt(m.home.because.skill, { skill: r.skill });
  return r.kind === 'location' ? m.home.because.location : m.home.because.pinned;
}

function Entry({ m, locale, timeZone, item, reasons }: { m: Messages; locale: Locale; timeZone: string; item: HomeItem; reasons?: Reason[] }) {
  return (
    <li class="feed-item">
      <a href={item.post.url} lang={item.lang === locale ? undefined : item.lang}>
        {item.title}
      </a>
      <span class="hint">
        {' '}
        {m.news.categories[item.post.category]} · {formatDate(item.post.publishedAt, locale, timeZone)}
      </span>
      {reasons?.length ? (
        <p class="feed-reasons">
          <span class="visually-hidden">{m.home.reasonsLabel}: </span>
          {reasons.map((r) => reasonText(m, r)).join(' · ')}
        </p>
      ) : null}
    </li>
  );
}

/** Recommendations with their reasons, then the latest news. */
function Feed({ m, locale, timeZone, feed }: { m: Messages; locale: Locale; timeZone: string; feed: HomeFeed }) {
  return (
    <>
      {feed.recommended.length ? (
        <section class="card" aria-labelledby="home-recommended">
          <h2 id="home-recommended">{m.home.recommended}</h2>
          <ul class="feed">
            {feed.recommended.map((r) => (
              <Entry m={m} locale={locale} timeZone={timeZone} item={r} reasons={r.reasons} />
            ))}
          </ul>
        </section>
      ) : null}
      {feed.opportunities.length ? (
        <section class="card" aria-labelledby="home-opportunities">
          <h2 id="home-opportunities">{m.home.opportunities}</h2>
          <ul class="feed">
            {feed.opportunities.map(({ opportunity, reasons }) => (
              <li class="feed-item">
                <a href={`/opportunities/${opportunity.id}`}>{opportunity.title}</a>
                <span class="hint">
                  {' '}
                  {m.opportunities.kinds[opportunity.kind]}
                  {opportunity.location ? ` · ${opportunity.location}` : ''}
                </span>
                <p class="feed-reasons">
                  <span class="visually-hidden">{m.home.reasonsLabel}: </span>
                  {reasons.map((r) => reasonText(m, r)).join(' · ')}
                </p>
              </li>
            ))}
          </ul>
          <p>
            <a href="/opportunities">{m.home.allOpportunities}</a>
          </p>
        </section>
      ) : null}
      {feed.events.length ? (
        <section class="card" aria-labelledby="home-events">
          <h2 id="home-events">{m.home.events}</h2>
          <ul class="feed">
            {feed.events.map(({ event, reasons }) => (
              <li class="feed-item">
                <a href={`/events/${event.id}`}>{event.title}</a>
                <span class="hint">
                  {' '}
                  {formatDayDateTime(event.startsAt, locale, event.timeZone)}
                  {event.timeZone === timeZone ? '' : ` (${event.timeZone})`} · {m.events.formats[event.format]}
                  {event.venueName ? ` · ${event.venueName}` : ''}
                </span>
                {reasons.length ? (
                  <p class="feed-reasons">
                    <span class="visually-hidden">{m.home.reasonsLabel}: </span>
                    {reasons.map((r) => reasonText(m, r)).join(' · ')}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
          <p>
            <a href="/events">{m.home.allEvents}</a>
          </p>
        </section>
      ) : null}
      {feed.noWants ? (
        <p class="card feed-prompt">
          {m.home.setWants} <a href="/profile/edit#wants">{m.home.setWantsLink}</a>
        </p>
      ) : null}
      <section class="card" aria-labelledby="home-latest">
        <h2 id="home-latest">{m.home.latest}</h2>
        {feed.latest.length ? (
          <ul class="feed">
            {feed.latest.map((item) => (
              <Entry m={m} locale={locale} timeZone={timeZone} item={item} />
            ))}
          </ul>
        ) : (
          <p>{m.home.noNews}</p>
        )}
        <p>
          <a href="/news">{m.home.allNews}</a>
        </p>
      </section>
    </>
  );
}

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
  const feed = actor.status === 'active' ? await homeFeed(c.get('deps').db, actor, locale) : null;
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
      {feed ? <Feed m={m} locale={locale} timeZone={settings.timeZone} feed={feed} /> : null}
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
