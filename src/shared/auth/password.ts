/** Password hashing: argon2id on libuv's thread pool (OWASP's minimum parameters). */
import { hash, verify } from '@node-rs/argon2';

export const hashPassword = (password: string): Promise<string> =>
  hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1 });

export const verifyPassword = (digest: string, password: string): Promise<boolean> => verify(digest, password);
