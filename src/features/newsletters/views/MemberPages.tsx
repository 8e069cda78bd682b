/** Pages reached from a newsletter's links, without signing in: unsubscribe (confirm by POST) and topic preferences. */
import { fmt, type Messages } from '../../../shared/i18n/index.ts';
import { Checkbox, CsrfField, Submit } from '../../../shared/views/form.tsx';
import type { Topic } from '../newsletters.service.ts';

interface Props {
  m: Messages;
  csrfToken: string;
  token: string;
  email: string;
  network: string;
}

/** A GET never unsubscribes (mail scanners follow links): it asks, and the button POSTs. */
export function UnsubscribePage({ m, csrfToken, token, email, network, subscribed }: Props & { subscribed: boolean }) {
  const v = m.newsletters.unsubscribe;
  return (
    <div>
      <h1>{v.title}</h1>
      {subscribed ? (
        <form method="post" action={`/u/${token}`}>
          <CsrfField token={csrfToken} />
          <p>{fmt(v.question, { email, network })}</p>
          <Submit label={v.confirm} />
        </form>
      ) : (
        <p>{v.already}</p>
      )}
      <p>
        <a href={`/u/${token}/preferences`}>{v.preferencesLink}</a>
      </p>
    </div>
  );
}

export function UnsubscribedPage({ m, token }: { m: Messages; token: string }) {
  const v = m.newsletters.unsubscribe;
  return (
    <div>
      <h1>{v.doneTitle}</h1>
      <p role="status">{v.done}</p>
      <p>
        <a href={`/u/${token}/preferences`}>{v.preferencesLink}</a>
      </p>
    </div>
  );
}

export function PreferencesPage({ m, csrfToken, token, email, network, prefs, topics, noticeVersion, saved }: Props & { prefs: Record<Topic, boolean>; topics: readonly Topic[]; noticeVersion: string; saved: boolean }) {
  const v = m.newsletters.preferences;
  return (
    <div>
      <h1>{v.title}</h1>
      {saved ? <p role="status" class="notice">{v.saved}</p> : null}
      <p>{fmt(v.intro, { email, network })}</p>
      <form method="post" action={`/u/${token}/preferences`}>
        <CsrfField token={csrfToken} />
        <fieldset class="card newsletter-topics">
          <legend>{v.title}</legend>
          {topics.map((t) => (
            <Checkbox m={m} name={t} value="1" label={v.topics[t]} checked={prefs[t]} />
          ))}
        </fieldset>
        <p class="hint">{fmt(v.newsletterNotice, { version: noticeVersion })}</p>
        <Submit label={v.save} />
      </form>
    </div>
  );
}
