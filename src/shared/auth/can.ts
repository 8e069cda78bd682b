/**
 * The one authorisation function. Routes declare who may reach them (access.ts);
 * services ask `can()` before doing anything, so a route mistake cannot leak data.
 */
import type { Role } from '../../db/schema.ts';

export { CONTACT_STATUSES, ROLES } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Actor } from '../http/context.ts';

export const PERMISSIONS = {
  'people.view': ['operator'],
  'people.invite': ['operator'],
  'people.changeRole': ['operator'],
  'audit.view': ['operator'],
  'mail.outbox.view': ['operator'],
  'jobs.view': ['operator'],
  // The HR roster is HR data: operators only, never alumni or employees.
  'roster.view': ['operator'],
  'roster.import': ['operator'],
  'roster.export': ['operator'],
  'roster.changeStatus': ['operator'],
  'offboarding.manage': ['operator'],
  // Invitation waves contact people on the roster: operators only, like the roster itself.
  'invitations.view': ['operator'],
  'invitations.send': ['operator'],
  // Self sign-ups: operators and community managers decide; only operators see HR-only roster facts.
  'signup.review': ['operator', 'community_manager'],
  'signup.viewHrFacts': ['operator'],
  // The directory: every confirmed member; roster facts behind a profile are HR data (operators, audited).
  'directory.view': ['operator', 'community_manager', 'employee', 'alumnus'],
  'directory.viewHrFacts': ['operator'],
  'directory.viewActivity': ['operator'],
  // News: every confirmed member reads (within each post's audience), reacts, comments and reports;
  // operators and community managers write posts and moderate.
  'news.read': ['operator', 'community_manager', 'employee', 'alumnus'],
  'news.interact': ['operator', 'community_manager', 'employee', 'alumnus'],
  'news.manage': ['operator', 'community_manager'],
  'news.moderate': ['operator', 'community_manager'],
  // Segments select members for posts, newsletters, events and invitations.
  'segments.manage': ['operator', 'community_manager'],
  // Newsletters: community managers compose and test; sending to members is an operator's decision.
  'newsletters.manage': ['operator', 'community_manager'],
  'newsletters.send': ['operator'],
  // Events: every confirmed member sees the events of their audience and registers; operators and
  // community managers organise every event (a group's managers organise their group's events).
  'events.view': ['operator', 'community_manager', 'employee', 'alumnus'],
  'events.manage': ['operator', 'community_manager'],
  // Groups: every confirmed member joins and starts interest groups and project circles; official
  // groups are started by operators and community managers, who also moderate every group.
  'groups.view': ['operator', 'community_manager', 'employee', 'alumnus'],
  'groups.create': ['operator', 'community_manager', 'employee', 'alumnus'],
  'groups.createOfficial': ['operator', 'community_manager'],
  'groups.moderateAll': ['operator', 'community_manager'],
  // Opportunities: every confirmed member sees those of their audience; alumni apply (and apply to
  // return); operators post them and run the pipelines. Staff assigned to an application or a
  // referral see that one (checked in the service). 再雇用可否 and internal notes: operators and the assignee.
  'opportunities.view': ['operator', 'community_manager', 'employee', 'alumnus'],
  'opportunities.apply': ['alumnus'],
  'opportunities.manage': ['operator'],
  'applications.manage': ['operator'],
  'rehire.viewEligibility': ['operator'],
  // Referrals: alumni and employees refer candidates; operators run the pipeline.
  'referrals.create': ['operator', 'community_manager', 'employee', 'alumnus'],
  'referrals.manage': ['operator'],
  // Rewards: operators define rules, approve and pay; every member sees their own ledger.
  'rewards.manage': ['operator'],
  // Requests to the company: alumni ask; the secretariat (operators, community managers) assigns
  // them to employees, who see only those assigned to them.
  'requests.create': ['alumnus'],
  'requests.triage': ['operator', 'community_manager'],
  'requests.answer': ['operator', 'community_manager', 'employee'],
  // Feedback and ideas: alumni send; operators and community managers answer and decide.
  'feedback.create': ['alumnus'],
  'feedback.manage': ['operator', 'community_manager'],
  // Messages: 1:1 between members who both allow contact, and with the company (the secretariat).
  'messages.use': ['operator', 'community_manager', 'employee', 'alumnus'],
  'messages.secretariat': ['operator', 'community_manager'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

/** Roles that must use two-factor authentication. */
export const TWO_FACTOR_ROLES: readonly Role[] = ['operator', 'community_manager'];

export function requiresTwoFactor(role: Role): boolean {
  return TWO_FACTOR_ROLES.includes(role);
}

export function can(actor: Actor | null, action: Action): boolean {
  if (!actor || actor.status === 'suspended') return false;
  if (requiresTwoFactor(actor.role) && !actor.twoFactorEnabled) return false;
  return (PERMISSIONS[action] as readonly Role[]).includes(actor.role);
}

/** Throws FORBIDDEN (or UNAUTHENTICATED) unless `can(actor, action)`. Returns the actor. */
export function authorize(actor: Actor | null, action: Action): Actor {
  if (!actor) throw new AppError('UNAUTHENTICATED');
  if (!can(actor, action)) throw new AppError('FORBIDDEN');
  return actor;
}

/**
 * The actor for `npm run kizuna` commands: someone with shell access to the server is
 * trusted as an operator. Audit rows name it 'cli'.
 */
export const CLI_ACTOR: Actor = {
  id: 'cli',
  name: 'Kizuna CLI',
  email: 'cli@localhost',
  role: 'operator',
  isManager: false,
  status: 'active',
  twoFactorEnabled: true,
  locale: null,
  sessionId: 'cli',
};
