/**
 * Mail about a case (a request, a piece of feedback, an application) to one person in their
 * language, queued in the caller's transaction: to the person whose case it is, or to the staff
 * who handle it. Transactional templates, listed in TRANSACTIONAL_TEMPLATES.
 */
import type { Db } from '../../db/client.ts';
import type { Locale } from '../../shared/i18n/index.ts';
import { queueMail, type MailTemplate } from '../../shared/mail/mail.ts';
import { networkName } from '../../shared/network.ts';

export interface Recipient {
  id: string;
  name: string;
  email: string;
  locale: Locale | null;
}

export async function mailAbout(db: Db, to: Recipient, template: MailTemplate, key: string, vars: (locale: Locale) => Record<string, string>): Promise<void> {
  const locale: Locale = to.locale ?? 'ja';
  await queueMail(db, {
    key,
    to: to.email,
    userId: to.id,
    locale,
    template,
    vars: { network: await networkName(db, locale), name: to.name, ...vars(locale) },
  });
}
