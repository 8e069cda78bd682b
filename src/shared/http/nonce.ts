/**
 * The Content-Security-Policy nonce of each page: 16 random bytes, as Hono's own NONCE, but drawn
 * from a buffer refilled 256 nonces at a time (one call into the random source per request cost
 * more than the rest of the header work). No two pages share bytes.
 */
import { randomFillSync } from 'node:crypto';
import type { Context } from 'hono';

const SIZE = 16;
const POOL = SIZE * 256;
let pool = Buffer.alloc(0);
let offset = POOL;

export function newNonce(): string {
  if (offset + SIZE > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL));
    offset = 0;
  }
  const nonce = pool.toString('base64', offset, offset + SIZE);
  offset += SIZE;
  return nonce;
}

/** For secureHeaders' script-src: a fresh nonce, kept on the context for the page's scripts. */
export function NONCE(c: Context): string {
  const nonce = newNonce();
  c.set('secureHeadersNonce', nonce);
  return `'nonce-${nonce}'`;
}
