/** Where a profile's "send a message" button leads, for the profile pages (a pure decision, no queries). */
import type { ContactPreference, Role } from '../../db/schema.ts';

/**
 * An alumnus writes to a member who accepts messages from members; the secretariat writes as
 * the company to one who accepts messages from the company (or from members). Anyone else gets
 * no button. The pages behind the link check every rule again (directory, blocks, own profile).
 */
export function messageLinkFor(viewer: { role: Role; secretariat: boolean }, target: { userId: string; contact: ContactPreference }): string | null {
  const to = encodeURIComponent(target.userId);
  if (viewer.role === 'alumnus' && target.contact === 'yes') return `/messages/new?to=${to}`;
  if (viewer.secretariat && target.contact !== 'no') return `/admin/messages/new?to=${to}`;
  return null;
}
