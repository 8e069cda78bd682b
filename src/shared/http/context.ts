/** Types of the per-request context shared by every route. */
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Database, Db } from '../../db/client.ts';
import type { Role } from '../../db/schema.ts';
import type { Auth } from '../auth/auth.ts';
import type { Locale, Messages } from '../i18n/index.ts';
import type { NetworkSettings } from '../network.ts';

/** The signed-in person, as the rest of the code sees them. */
export interface Actor {
  id: string;
  name: string;
  email: string;
  role: Role;
  isManager: boolean;
  status: string;
  twoFactorEnabled: boolean;
  locale: Locale | null;
  sessionId: string;
}

export interface AppDeps {
  config: Config;
  database: Database;
  db: Db;
  auth: Auth;
  logger: Logger;
  /** Wakes the in-process job workers after a request queued work (no-op when workers run elsewhere). */
  wakeWorkers: () => void;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    secureHeadersNonce?: string;
    locale: Locale;
    m: Messages;
    settings: NetworkSettings | null;
    actor: Actor | null;
    csrfToken: string;
    clientIp: string;
    flash: string | null;
  };
}
