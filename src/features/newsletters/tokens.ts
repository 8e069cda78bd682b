/**
 * Signed tokens in newsletter links: unsubscribe / preferences (`/u/<token>`) and click
 * redirects (`/r/<token>`). An HMAC with the app secret over the purpose and the payload,
 * so a link works without a database lookup and cannot be forged or re-purposed (an
 * unsubscribe token is no click token). Compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'unsubscribe' | 'click';

/** What a click token carries: which newsletter, which member, where to go. */
export interface ClickPayload {
  newsletterId: string;
  userId: string;
  url: string;
}

const TOKEN = /^[A-Za-z0-9_-]{1,4000}\.[A-Za-z0-9_-]{43}$/;

function mac(secret: string, purpose: TokenPurpose, body: string): string {
  return createHmac('sha256', secret).update(`newsletter:${purpose}:${body}`).digest('base64url');
}

function sign(secret: string, purpose: TokenPurpose, data: string): string {
  const body = Buffer.from(data, 'utf8').toString('base64url');
  return `${body}.${mac(secret, purpose, body)}`;
}

/** The signed data, or null when the token is malformed or its signature is not ours for this purpose. */
function verify(secret: string, purpose: TokenPurpose, token: string): string | null {
  if (typeof token !== 'string' || !TOKEN.test(token)) return null;
  const [body = '', sig = ''] = token.split('.');
  const expected = Buffer.from(mac(secret, purpose, body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return Buffer.from(body, 'base64url').toString('utf8');
}

/** The token of a member's unsubscribe and preferences links (it never expires: old mails keep working). */
export function unsubscribeToken(secret: string, userId: string): string {
  return sign(secret, 'unsubscribe', userId);
}

/** The member id of a valid unsubscribe token, or null. */
export function readUnsubscribeToken(secret: string, token: string): string | null {
  const userId = verify(secret, 'unsubscribe', token);
  return userId && /^[A-Za-z0-9_-]{1,100}$/.test(userId) ? userId : null;
}

/** The token of one tracked link in one member's copy of a newsletter. */
export function clickToken(secret: string, p: ClickPayload): string {
  return sign(secret, 'click', JSON.stringify([p.newsletterId, p.userId, p.url]));
}

/** The payload of a valid click token whose URL is http(s), or null (so /r/ is never an open redirect). */
export function readClickToken(secret: string, token: string): ClickPayload | null {
  const data = verify(secret, 'click', token);
  if (!data) return null;
  try {
    const parsed: unknown = JSON.parse(data);
    if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((x) => typeof x === 'string')) return null;
    const [newsletterId, userId, url] = parsed as [string, string, string];
    if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return null;
    return { newsletterId, userId, url };
  } catch {
    return null;
  }
}
