/** Renders a page inside the layout, with navigation built from the viewer's role. */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { localized } from '../network.ts';
import { requiresTwoFactor } from '../auth/can.ts';
import { Layout, resolveFlash, type NavItem } from '../views/Layout.tsx';
import type { Actor, AppEnv } from './context.ts';
import type { Messages } from '../i18n/index.ts';

export interface AdminLink {
  href: string;
  label: string;
  hint: string;
}

/**
 * The administration pages a staff member may open, grouped: one "管理" link in the navigation
 * leads to them (a flat list of every page wrapped onto three lines). Staff who must still turn on
 * two-factor get none until they do.
 */
export function adminSectionsFor(m: Messages, actor: Actor | null): { title: string; links: AdminLink[] }[] {
  if (!actor || (requiresTwoFactor(actor.role) && !actor.twoFactorEnabled)) return [];
  const h = m.adminHub;
  const sections: { title: string; links: AdminLink[] }[] = [];
  if (actor.role === 'operator' || actor.role === 'community_manager') {
    sections.push({
      title: h.community,
      links: [
        { href: '/admin/signups', label: m.verification.nav, hint: h.signups },
        { href: '/admin/news', label: m.nav.newsAdmin, hint: h.news },
        { href: '/admin/news/reports', label: h.reportsLabel, hint: h.reports },
        { href: '/admin/newsletters', label: m.nav.newsletters, hint: h.newsletters },
        { href: '/admin/segments', label: m.nav.segments, hint: h.segments },
        { href: '/events/new', label: h.newEventLabel, hint: h.newEvent },
        { href: '/admin/events/attendance', label: h.attendanceLabel, hint: h.attendance },
        { href: '/admin/groups/reports', label: h.groupReportsLabel, hint: h.groupReports },
      ],
    });
  }
  if (actor.role === 'operator' || actor.role === 'community_manager') {
    const operator = actor.role === 'operator';
    sections.push({
      title: h.talent,
      links: [
        ...(operator
          ? [
              { href: '/admin/opportunities', label: h.opportunitiesLabel, hint: h.opportunities },
              { href: '/admin/applications', label: h.applicationsLabel, hint: h.applications },
              { href: '/admin/applications/insights', label: h.insightsLabel, hint: h.insights },
              { href: '/admin/referrals', label: h.referralsLabel, hint: h.referrals },
              { href: '/admin/rewards', label: h.rewardsLabel, hint: h.rewards },
            ]
          : []),
        { href: '/admin/requests', label: h.requestsLabel, hint: h.requests },
        { href: '/admin/feedback', label: h.feedbackLabel, hint: h.feedback },
        { href: '/admin/messages', label: h.messagesLabel, hint: h.messages },
        { href: '/admin/messages/reports', label: h.messageReportsLabel, hint: h.messageReports },
      ],
    });
  }
  if (actor.role === 'operator') {
    sections.push(
      {
        title: h.people,
        links: [
          { href: '/admin/people', label: m.nav.people, hint: h.peopleHint },
          { href: '/admin/roster', label: m.nav.roster, hint: h.roster },
          { href: '/admin/invitations', label: m.invitations.nav, hint: h.invitations },
          { href: '/admin/offboarding', label: m.offboarding.title, hint: h.offboarding },
        ],
      },
      {
        title: h.operations,
        links: [
          { href: '/admin/audit', label: m.nav.audit, hint: h.audit },
          { href: '/admin/directory-activity', label: m.profiles.navActivity, hint: h.activity },
          { href: '/admin/outbox', label: m.nav.outbox, hint: h.outbox },
          { href: '/admin/jobs', label: m.nav.jobs, hint: h.jobs },
        ],
      },
    );
  }
  return sections;
}

export function navFor(m: Messages, actor: Actor | null, path: string): NavItem[] {
  const items: NavItem[] = [];
  if (!actor) {
    items.push({ href: '/auth/sign-in', label: m.nav.signIn }, { href: '/auth/sign-up', label: m.nav.signUp });
  } else {
    items.push({ href: '/', label: m.nav.home });
    // The directory and profiles are member content: confirmed members only.
    if (actor.status === 'active') {
      items.push(
        { href: '/news', label: m.nav.news },
        { href: '/events', label: m.events.nav },
        { href: '/groups', label: m.groups.nav },
        { href: '/opportunities', label: m.opportunities.nav },
        { href: '/requests', label: m.requests.nav },
        { href: '/members', label: m.profiles.navDirectory },
        { href: '/messages', label: m.messages.nav },
        { href: '/profile', label: m.profiles.navProfile },
      );
    }
    items.push({ href: '/account', label: m.nav.account });
    if (adminSectionsFor(m, actor).length) items.push({ href: '/admin', label: m.nav.admin });
  }
  return items.map((i) => ({ ...i, current: i.href === '/' ? path === '/' : path === i.href || path.startsWith(`${i.href}/`) }));
}

export function page(c: Context<AppEnv>, title: string, body: Child, status: ContentfulStatusCode = 200) {
  const m = c.get('m');
  const locale = c.get('locale');
  const settings = c.get('settings');
  const actor = c.get('actor');
  const url = new URL(c.req.url);
  // A page shown in answer to a form post has no address of its own: the language switch
  // then leads back to the page the form was on (same site only), or home.
  let path = `${url.pathname}${url.search}`;
  if (c.req.method !== 'GET') {
    const referer = c.req.header('referer');
    const ref = referer && URL.canParse(referer) ? new URL(referer) : null;
    path = ref && ref.origin === url.origin ? `${ref.pathname}${ref.search}` : '/';
  }
  return c.html(
    '<!doctype html>' +
      (
        <Layout
          title={title}
          locale={locale}
          m={m}
          networkName={settings ? localized(settings, locale, 'name') : m.common.appName}
          nonce={c.get('secureHeadersNonce')}
          csrfToken={c.get('csrfToken') ?? ''}
          path={path}
          actor={actor}
          nav={navFor(m, actor, url.pathname)}
          flash={resolveFlash(m, c.get('flash') ?? null)}
        >
          {body}
        </Layout>
      ).toString(),
    status,
  );
}
