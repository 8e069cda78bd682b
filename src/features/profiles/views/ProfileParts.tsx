/** Pieces shared by the profile and directory pages: avatar, location, card, tenure. */
import type { Child } from 'hono/jsx';
import { fmt, formatDate, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { PREFECTURES } from '../profile.fields.ts';
import type { DirectoryCard, Tenure } from '../profile.present.ts';

export interface ViewBase {
  m: Messages;
  locale: Locale;
  timeZone: string;
  csrfToken: string;
}

export function photoUrl(userId: string, key: string): string {
  return `/members/${encodeURIComponent(userId)}/photo/${key}`;
}

/** The photo, or the name's first character on a coloured disc (decorative: the name is next to it). */
export function Avatar({ m, userId, name, photoKey, size = 'small' }: { m: Messages; userId: string; name: string; photoKey?: string | undefined; size?: 'small' | 'large' }) {
  const cls = `avatar avatar--${size}`;
  if (photoKey) return <img class={cls} src={photoUrl(userId, photoKey)} alt={fmt(m.profiles.photo.alt, { name })} width={size === 'large' ? 128 : 56} height={size === 'large' ? 128 : 56} />;
  return (
    <span class={cls} aria-hidden="true">
      {Array.from(name.trim())[0] ?? '?'}
    </span>
  );
}

export function locationLabel(m: Messages, locale: Locale, loc: { country: string; prefecture: string | null }): string {
  if (loc.country === 'JP' && loc.prefecture) {
    const i = PREFECTURES.indexOf(loc.prefecture);
    if (i >= 0) return m.profiles.prefectures[i] ?? loc.prefecture;
  }
  return countryName(m, locale, loc.country);
}

const regionNames = new Map<Locale, Intl.DisplayNames>();

export function countryName(m: Messages, locale: Locale, code: string): string {
  if (code === 'ZZ') return m.profiles.otherCountry;
  try {
    let names = regionNames.get(locale);
    if (!names) {
      names = new Intl.DisplayNames([locale], { type: 'region' });
      regionNames.set(locale, names);
    }
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

export function industryLabel(m: Messages, code: string): string {
  return (m.profiles.industries as Record<string, string>)[code] ?? code;
}

const year = (d: string | null): string => (d ? d.slice(0, 4) : '');

export function TenureList({ m, locale, tenure }: { m: Messages; locale: Locale; tenure: Tenure }) {
  return (
    <>
      <p>{fmt(m.profiles.tenureYears, { from: year(tenure.joinedOn), to: year(tenure.leftOn) || m.profiles.present })}</p>
      {tenure.periods.length ? (
        <ul>
          {tenure.periods.map((p) => (
            <li>
              {fmt(m.profiles.tenureLine, { from: year(p.from), to: year(p.to) || m.profiles.present, department: locale === 'ja' ? p.nameJa : p.nameEn })}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** One member in a list: links to the profile; shows only what the card for the viewer's audience holds. */
export function MemberCard({ v, userId, card, extra }: { v: ViewBase; userId: string; card: DirectoryCard; extra?: Child }) {
  const { m, locale } = v;
  const work = [card.currentTitle, card.currentEmployer].filter(Boolean).join(' · ');
  const tenure = card.tenure;
  return (
    <li class="member-card">
      <Avatar m={m} userId={userId} name={card.name} photoKey={card.photoKey} />
      <div class="member-card__body">
        <p class="member-card__name">
          <a href={`/members/${encodeURIComponent(userId)}`}>{card.name}</a>
          {card.nameKana ? <span class="muted"> ({card.nameKana})</span> : null}
        </p>
        {work ? <p class="member-card__line">{work}</p> : null}
        {tenure ? (
          <p class="member-card__line muted">
            {fmt(m.profiles.tenureYears, { from: String(tenure.joinedYear ?? ''), to: tenure.leftYear ? String(tenure.leftYear) : m.profiles.present })}
            {tenure.departments.length ? ` · ${tenure.departments.map((d) => (locale === 'ja' ? d.ja : d.en)).join('、')}` : ''}
          </p>
        ) : null}
        {card.location || card.industry ? (
          <p class="member-card__line muted">{[card.location ? locationLabel(m, locale, card.location) : '', card.industry ? industryLabel(m, card.industry) : ''].filter(Boolean).join(' · ')}</p>
        ) : null}
        {card.skills?.length ? (
          <ul class="tags" aria-label={m.profiles.fields.skills}>
            {card.skills.map((s) => (
              <li>{s}</li>
            ))}
          </ul>
        ) : null}
        {extra}
        <p class="member-card__line muted small">{fmt(m.profiles.lastUpdated, { date: formatDate(new Date(card.updatedAt), locale, v.timeZone) })}</p>
      </div>
    </li>
  );
}
