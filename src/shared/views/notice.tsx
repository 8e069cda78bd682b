/** The purpose-of-use notice (APPI), as shown when joining and when signing up. */
import { fmt, type Messages } from '../i18n/index.ts';

/** Heading and sections of the notice; `version` is the NOTICE_VERSION the consent will name. */
export function PurposeNotice({ m, version }: { m: Messages; version: string }) {
  const n = m.invitations.notice;
  return (
    <>
      <h2 id="notice-title">{n.title}</h2>
      <p class="muted small">{fmt(n.version, { version })}</p>
      <p>{n.intro}</p>
      <h3>{n.whatTitle}</h3>
      <p>{n.what}</p>
      <h3>{n.whyTitle}</h3>
      <p>{n.why}</p>
      <h3>{n.whoTitle}</h3>
      <p>{n.who}</p>
      <h3>{n.withdrawTitle}</h3>
      <p>{n.withdraw}</p>
    </>
  );
}
