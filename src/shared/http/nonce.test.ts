import { describe, expect, it } from 'vitest';
import { newNonce } from './nonce.ts';

describe('CSP nonces', () => {
  it('are 16 fresh random bytes each, across refills of the pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const nonce = newNonce();
      expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
      seen.add(nonce);
    }
    expect(seen.size).toBe(2000);
  });
});
