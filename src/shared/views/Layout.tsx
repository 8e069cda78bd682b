/** The page frame: skip link, header with the network's name, navigation by role, language switch. */
import type { Child } from 'hono/jsx';
import type { Role } from '../../db/schema.ts';
import { fmt, type Locale, type Messages } from '../i18n/index.ts';

export interface NavItem {
  href: string;
  label: string;
  current?: boolean;
}

export interface LayoutProps {
  title: string;
  locale: Locale;
  m: Messages;
  networkName: string;
  nonce?: string | undefined;
  csrfToken: string;
  path: string;
  actor: { name: string; role: Role; isManager: boolean } | null;
  nav: NavItem[];
  flash?: string | null | undefined;
  children?: Child;
}

/** The current URL with `lang` set, for the language switch link (works without JS). */
function switchHref(path: string, to: Locale): string {
  const url = new URL(path, 'http://x');
  url.searchParams.set('lang', to);
  return `${url.pathname}${url.search}`;
}

export function Layout(p: LayoutProps) {
  const other: Locale = p.locale === 'ja' ? 'en' : 'ja';
  return (
    <html lang={p.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${p.title} | ${p.networkName}`}</title>
        <link rel="stylesheet" href="/static/kizuna.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <script src="/static/kizuna.js" defer nonce={p.nonce}></script>
      </head>
      <body>
        <a class="skip-link" href="#main">
          {p.m.common.skipToContent}
        </a>
        <header class="site-header">
          <div class="site-header__inner">
            <a class="site-name" href="/">
              {p.networkName}
            </a>
            <nav class="site-nav" aria-label={p.m.nav.main}>
              <ul>
                {p.nav.map((item) => (
                  <li>
                    <a href={item.href} aria-current={item.current ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <div class="site-tools">
              <a class="lang-switch" href={switchHref(p.path, other)} hreflang={other} lang={other}>
                <span class="visually-hidden">{p.m.lang.switchLabel}: </span>
                {p.m.lang.switchTo}
              </a>
              {p.actor ? (
                <form method="post" action="/auth/sign-out" class="inline-form">
                  <input type="hidden" name="_csrf" value={p.csrfToken} />
                  <button type="submit" class="link-button">
                    {p.m.nav.signOut}
                  </button>
                </form>
              ) : null}
            </div>
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {p.flash ? (
            <div class="notice" role="status">
              {p.flash}
            </div>
          ) : null}
          {p.children}
        </main>
        <footer class="site-footer">
          <p>
            {p.actor ? (
              <span>
                {p.actor.name} · {p.m.roles[p.actor.role]}
                {p.actor.isManager ? ` · ${p.m.roles.manager}` : ''}
              </span>
            ) : null}
          </p>
          <p class="muted">{p.m.common.poweredBy}</p>
        </footer>
      </body>
    </html>
  );
}

/** Resolves a flash key like 'account.passwordChanged|name=…' against the catalogue. */
export function resolveFlash(m: Messages, value: string | null): string | null {
  if (!value) return null;
  const [key = '', query = ''] = value.split('|');
  let node: unknown = m;
  for (const part of key.split('.')) {
    if (node && typeof node === 'object' && part in node) node = (node as Record<string, unknown>)[part];
    else return null;
  }
  if (typeof node !== 'string') return null;
  return fmt(node, Object.fromEntries(new URLSearchParams(query)));
}
