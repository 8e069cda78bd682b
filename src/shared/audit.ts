/**
 * The audit log: append-only (the app has no update or delete path, and a database
 * trigger refuses one). Writes go through `audit()`, in the caller's transaction when
 * the event belongs to a change.
 */
import type { Db } from '../db/client.ts';
import { auditEvents } from '../db/schema.ts';

export const AUDIT_ACTIONS = [
  'setup.completed',
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_in_magic_link',
  'auth.sign_out',
  'auth.sign_out_all',
  'auth.password_reset',
  'auth.password_changed',
  'auth.email_verified',
  'auth.two_factor_enabled',
  'auth.two_factor_failed',
  'staff.invited',
  'staff.invitation_revoked',
  'staff.invitation_accepted',
  'role.changed',
  'personal_data.viewed',
  'export.created',
  'roster.import_committed',
  'offboarding.registered',
  'offboarding.farewell_sent',
  'member.rehired',
  'member.left',
  'member.contact_status_changed',
  'member.access_revoked',
  'member.access_restored',
  'mail.viewed',
  'invitation.wave_sent',
  'invitation.revoked',
  'invitation.reminders_sent',
  'invitation.accepted',
  'invitation.declined',
  'signup.requested',
  'signup.auto_verified',
  'signup.approved',
  'signup.more_info_requested',
  'signup.declined',
  'signup.updated',
  'segment.saved',
  'segment.archived',
  'news.post_published',
  'news.post_archived',
  'news.comment_hidden',
  'news.report_dismissed',
  'newsletter.sent',
  'newsletter.scheduled',
  'newsletter.cancelled',
  'newsletter.recipients_viewed',
  'newsletter.sender_changed',
  'event.published',
  'event.updated',
  'event.cancelled',
  'event.attendees_exported',
  'event.checked_in',
  'group.created',
  'group.updated',
  'group.archived',
  'group.member_approved',
  'group.member_removed',
  'group.member_muted',
  'group.post_hidden',
  'group.report_dismissed',
  'opportunity.published',
  'opportunity.closed',
  'application.stage_changed',
  'application.assigned',
  'application.rehire_eligibility_viewed',
  'referral.stage_changed',
  'referral.assigned',
  'reward_rule.saved',
  'reward.approved',
  'reward.paid',
  'reward.cancelled',
  'request.assigned',
  'request.state_changed',
  'feedback.state_changed',
  'message.reported',
  'message.hidden',
  'message.report_dismissed',
  'message.assigned',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditInput {
  action: AuditAction;
  actor?: { id: string; email: string } | null;
  subjectType?: string;
  subjectId?: string;
  ip?: string;
  userAgent?: string;
  details?: Record<string, unknown>;
}

/** Appends one event. */
export async function audit(db: Db, e: AuditInput): Promise<void> {
  await db.insert(auditEvents).values({
    action: e.action,
    actorId: e.actor?.id ?? null,
    actorEmail: e.actor?.email ?? null,
    subjectType: e.subjectType ?? null,
    subjectId: e.subjectId ?? null,
    ip: e.ip ?? null,
    userAgent: e.userAgent?.slice(0, 300) ?? null,
    details: e.details ?? {},
  });
}
