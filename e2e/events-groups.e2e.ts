/**
 * Events and groups in a real browser (issue 6): a community manager (two-factor on) starts a
 * group, opens a thread and, from the group's page, creates an event for the group with two
 * seats and a question. Three members of the group register (one of them with JavaScript
 * off); the third is waitlisted; an alumnus outside the group gets 404 on the event's URL.
 * One registered member cancels and the waitlisted one is promoted (page and e-mail). On a
 * 375 px phone the community manager checks in a typed code (twice: the second says "already
 * checked in") and a code from the QR URL. The pages pass axe and are photographed (ja, and
 * the event page once in English) in tmp/screenshots/events-groups-*.png.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fmt } from '../src/shared/i18n/index.ts';
import { checkAndShoot, navigation, pageErrors, readMail, shot, visit } from './harness.ts';
import {
  en,
  expectNoSideScroll,
  h1,
  inviteLeavers,
  inviteStaff,
  ja,
  joinFromInvitation,
  mainText,
  NETWORK,
  networkSuite,
  signIn,
  tokyoDate,
  type Leaver,
} from './flows.ts';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
const DEPARTMENT = '生産技術部';

type Alumnus = Leaver & { password: string };
/** Registers first, cancels later. */
const FIRST: Alumnus = { number: 'E6001', name: '中村 翔太', kana: 'ナカムラ ショウタ', email: 'shota.nakamura@example.com', password: 'shota-nakamura-2024' };
/** Registers second and is checked in by the typed code. */
const SECOND: Alumnus = { number: 'E6002', name: '小林 さくら', kana: 'コバヤシ サクラ', email: 'sakura.kobayashi@example.net', password: 'sakura-kobayashi-2024' };
/** Uses a browser with JavaScript off: waitlisted, promoted, checked in from the QR URL. */
const THIRD: Alumnus = { number: 'E6003', name: '加藤 悠真', kana: 'カトウ ユウマ', email: 'yuma.kato@example.org', password: 'yuma-kato-2024' };
/** Not in the group: the event does not exist for them. */
const OUTSIDER: Alumnus = { number: 'E6004', name: '吉田 美咲', kana: 'ヨシダ ミサキ', email: 'misaki.yoshida@example.jp', password: 'misaki-yoshida-2024' };
const COMMUNITY_MANAGER = { name: '佐々木 恵', nameKana: 'ささき めぐみ', email: 'megumi.sasaki@toho-seiki.example.jp', password: 'community-manager-2024' };

const GROUP = {
  name: 'ものづくりエンジニアの会',
  description: '生産技術・設計・品質保証など、**ものづくりの現場**にいた（いる）エンジニアの集まりです。\n\n- 勉強会や工場見学の企画\n- 転職・独立の相談',
};
const THREAD = { title: '自己紹介スレッド', body: 'はじめまして。アルムナイサポーターの佐々木です。\n\n在籍時の部署と、いまのお仕事を一言ずつどうぞ。' };
const REPLY = '中村です。生産技術部に8年いました。いまは自動車部品メーカーで設備設計をしています。';
const EVENT = {
  title: '工場DX勉強会 〜現場データ活用の最前線〜',
  description: '## 内容\n\n元生産技術部のメンバーが、**工場のデータ活用**の事例を紹介します。\n\n- 19:00 開場\n- 19:15 講演と質疑\n- 20:30 懇親会',
  venueName: '東邦精機 東京本社 12F 大会議室',
  venueAddress: '東京都千代田区丸の内1-1-1 東邦ビル 12階',
  question: '懇親会に参加されますか？',
  options: ['参加する', '参加しない'],
};

const E = ja.events;
const C = ja.attendance.checkIn;

/** The registration box of the event page. */
const registrationBox = (page: Page): Locator => page.locator('main #registration');

/** Registers on the event page: answers the question by its label, sends the one-click form. */
async function register(page: Page, eventPath: string, answer: string): Promise<void> {
  expect(await visit(page, eventPath)).toBe(200);
  const form = page.locator('main form[action$="/register"]');
  await form.locator('fieldset.event-answers').getByLabel(answer, { exact: true }).check();
  expect(await navigation(page, () => form.locator('button[type="submit"]').click())).toBe(200);
  expect(new URL(page.url()).pathname).toBe(eventPath);
}

/** The check-in desk's result headline and name. */
async function deskResult(page: Page): Promise<{ title: string; name: string }> {
  const panel = page.locator('main .checkin-result');
  return {
    title: ((await panel.locator('.checkin-result__title').textContent()) ?? '').trim(),
    name: ((await panel.locator('.checkin-result__name').textContent()) ?? '').trim(),
  };
}

describe('events and groups', () => {
  const suite = networkSuite();
  const { ready, freshPage } = suite;
  let operator: Page;
  beforeAll(() => ({ operator } = suite.current()));

  let cm: Page;
  let cmSecret = '';
  const pages = new Map<Alumnus, Page>();
  const alumnus = (a: Alumnus) => pages.get(a)!;
  let groupPath = '';
  let threadPath = '';
  let eventPath = '';
  /** The check-in code shown to SECOND on their confirmation page. */
  let secondCode = '';

  test('[EVENTS][SETUP] four alumni join from an invitation wave; a community manager joins with two-factor', async () => {
    ready();
    await inviteLeavers(operator, DEPARTMENT, [FIRST, SECOND, THIRD, OUTSIDER]);
    for (const a of [FIRST, SECOND, OUTSIDER]) pages.set(a, await freshPage());
    // The third member's browser has JavaScript turned off, from joining to the check-in.
    pages.set(THIRD, await freshPage({ javaScriptEnabled: false }));
    cm = await freshPage();
    const [secret] = await Promise.all([
      inviteStaff(operator, cm, COMMUNITY_MANAGER, 'community_manager'),
      ...[FIRST, SECOND, THIRD, OUTSIDER].map((a) => joinFromInvitation(alumnus(a), a.email, a.password)),
    ]);
    cmSecret = secret;
  });

  test('[GROUPS][CREATE] the community manager starts an open group and a thread; three alumni join, one replies', async () => {
    ready();
    expect(await visit(cm, '/groups/new')).toBe(200);
    await cm.fill('#f-name', GROUP.name);
    await cm.fill('#f-description', GROUP.description);
    await cm.check('input[name="kind"][value="interest"]');
    await cm.check('input[name="joinRule"][value="open"]');
    expect(await navigation(cm, () => cm.click('main form[action="/groups/new"] button[type="submit"]'))).toBe(200);
    groupPath = new URL(cm.url()).pathname;
    expect(groupPath).toMatch(/^\/groups\/[0-9a-f-]{36}$/);
    expect(await h1(cm)).toBe(GROUP.name);
    expect(await cm.locator('main [role="status"]').first().textContent()).toContain(ja.groups.form.created);

    const thread = cm.locator('main #new-thread');
    await thread.locator('#f-title').fill(THREAD.title);
    await thread.locator('#f-body').fill(THREAD.body);
    expect(await navigation(cm, () => thread.locator('button[type="submit"]').click())).toBe(200);
    threadPath = new URL(cm.url()).pathname;
    expect(threadPath).toMatch(new RegExp(`^${groupPath}/threads/[0-9a-f-]{36}$`));

    await Promise.all(
      [FIRST, SECOND, THIRD].map(async (a) => {
        const page = alumnus(a);
        expect(await visit(page, groupPath)).toBe(200);
        expect(await navigation(page, () => page.click('main form[action$="/join"] button[type="submit"]'))).toBe(200);
        expect(await mainText(page)).toContain(ja.groups.join.member);
      }),
    );
    const first = alumnus(FIRST);
    expect(await visit(first, threadPath)).toBe(200);
    await first.fill('#f-body', REPLY);
    expect(await navigation(first, () => first.click('main #reply button[type="submit"]'))).toBe(200);
    expect(await first.locator('main .group-post__body').last().textContent()).toContain(REPLY);
  });

  test('[EVENTS][EDITOR] from the group page, the community manager creates an event for the group (2 seats, one question) and publishes it', async () => {
    ready();
    expect(await visit(cm, groupPath)).toBe(200);
    expect(await navigation(cm, () => cm.getByRole('link', { name: ja.groups.events.create }).click())).toBe(200);
    expect(await h1(cm)).toBe(E.editor.newTitle);
    const form = cm.locator('main form[action="/events/new"]');
    // Coming from the group, the editor already addresses the group's members.
    expect(await form.locator('input[name="audience"][value="group"]').isChecked()).toBe(true);
    expect(await form.locator('#f-groupId option:checked').textContent()).toBe(GROUP.name);
    expect(await form.locator('#f-timeZone').inputValue()).toBe(NETWORK.timeZone);

    const day = tokyoDate(21);
    await form.locator('#f-title').fill(EVENT.title);
    await form.locator('#f-description').fill(EVENT.description);
    await form.locator('#f-category').selectOption('learning');
    await form.locator('input[name="format"][value="in_person"]').check();
    await form.locator('#f-venueName').fill(EVENT.venueName);
    await form.locator('#f-venueAddress').fill(EVENT.venueAddress);
    await form.locator('#f-startsAt').fill(`${day}T19:00`);
    await form.locator('#f-endsAt').fill(`${day}T21:00`);
    await form.locator('#f-capacity').fill('2');
    await form.locator('#f-q1Label').fill(EVENT.question);
    await form.locator('#f-q1Kind').selectOption('choice');
    await form.locator('#f-q1Options').fill(EVENT.options.join('\n'));
    await form.locator('#f-q1Required').check();
    // One question block to start with; another comes back from the server (no script), everything typed kept, the page at the new block.
    expect(await form.locator('#f-q2Label').count()).toBe(0);
    expect(await navigation(cm, () => form.getByRole('button', { name: E.editor.addQuestion }).click())).toBe(200);
    expect(new URL(cm.url()).hash).toBe('#question-2');
    expect(await form.locator('#f-title').inputValue()).toBe(EVENT.title);
    expect(await form.locator('#f-startsAt').inputValue()).toBe(`${day}T19:00`);
    expect(await form.locator('#f-q1Options').inputValue()).toBe(EVENT.options.join('\n'));
    expect(await form.locator('#f-q1Required').isChecked()).toBe(true);
    expect(await form.locator('#f-q2Label').inputValue()).toBe('');
    expect(await form.locator('#f-q3Label').count()).toBe(0);
    await checkAndShoot(cm, 'events-groups-editor');

    expect(await navigation(cm, () => form.locator('button[name="intent"][value="publish"]').click())).toBe(200);
    eventPath = new URL(cm.url()).pathname;
    expect(eventPath).toMatch(/^\/events\/[0-9a-f-]{36}$/);
    expect(await cm.locator('main [role="status"]').first().textContent()).toContain(E.editor.published);
    expect(await h1(cm)).toBe(EVENT.title);
    const facts = (await cm.locator('main dl.event-facts').textContent()) ?? '';
    expect(facts).toContain(fmt(E.seats.left, { left: 2, capacity: 2 }));
    expect(facts).toContain(GROUP.name);
    await shot(cm, 'events-groups-event-organiser');

    // Enter in a field saves (here it updates the published event); it neither adds a question block nor leaves the editor open.
    expect(await visit(cm, `${eventPath}/edit`)).toBe(200);
    const editor = cm.locator(`main form[action="${eventPath}/edit"]`);
    expect(await navigation(cm, () => editor.locator('#f-title').press('Enter'))).toBe(200);
    expect(new URL(cm.url()).pathname).toBe(eventPath);
    expect(await cm.locator('main [role="status"]').first().textContent()).toContain(E.editor.updated);
    expect(await h1(cm)).toBe(EVENT.title);

    // The group's page lists its event.
    expect(await visit(cm, groupPath)).toBe(200);
    expect(await cm.locator('main .group-events a').allTextContents()).toContain(EVENT.title);
  });

  test('[EVENTS][RSVP] two members register, the third is waitlisted (JavaScript off); an alumnus outside the group gets 404', async () => {
    ready();
    const first = alumnus(FIRST);
    // The question is required: sending without an answer re-renders the form with the error.
    expect(await visit(first, eventPath)).toBe(200);
    expect(await registrationBox(first).locator('legend').first().textContent()).toContain(E.register.questions);
    expect(await navigation(first, () => first.click('main form[action$="/register"] button[type="submit"]'))).toBe(422);
    expect(await first.locator('main .error-summary').textContent()).toContain(E.errors.answerRequired);
    await register(first, eventPath, EVENT.options[0]!);
    expect(await first.locator('main [role="status"]').first().textContent()).toContain(E.register.done);
    expect(await registrationBox(first).locator('.notice').first().textContent()).toBe(E.status.registered);
    // The address is revealed only now that they are registered.
    expect(await first.locator('main dl.event-facts').textContent()).toContain(EVENT.venueAddress);
    const confirmation = await readMail(FIRST.email, fmt(ja.mail.eventConfirmed.subject, { network: NETWORK.nameJa, title: EVENT.title }));
    const firstCode = ((await first.locator('main .event-code code').textContent()) ?? '').trim();
    expect(firstCode).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
    expect(confirmation.text).toContain(firstCode);
    // The mail's calendar link is the site's short redirect, not Google's long URL.
    expect(confirmation.text).toContain(`${suite.current().server.baseUrl}${eventPath}/google`);
    // Registered: the card with the code comes before the description, and shows the member's answer.
    const ticket = await registrationBox(first).boundingBox();
    const about = await first.locator('main #about-title').boundingBox();
    expect(ticket!.y).toBeLessThan(about!.y);
    expect(await registrationBox(first).locator('.event-my-answers').textContent()).toBe(`${EVENT.question}${EVENT.options[0]}`);
    await checkAndShoot(first, 'events-groups-event-registered');

    const second = alumnus(SECOND);
    await register(second, eventPath, EVENT.options[1]!);
    secondCode = ((await second.locator('main .event-code code').textContent()) ?? '').trim();
    expect(secondCode).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);

    // Full now: the third member (no JavaScript) sees the waitlist button and gets place 1.
    const third = alumnus(THIRD);
    expect(await visit(third, eventPath)).toBe(200);
    expect(await registrationBox(third).locator('button[type="submit"]').textContent()).toContain(E.register.submitWaitlist);
    expect(await registrationBox(third).textContent()).toContain(E.register.fullNote);
    await register(third, eventPath, EVENT.options[0]!);
    expect(await third.locator('main [role="status"]').first().textContent()).toContain(fmt(E.register.doneWaitlisted, { position: 1 }));
    expect(await registrationBox(third).locator('.notice--warning').textContent()).toBe(fmt(E.status.waitlisted, { position: 1 }));
    expect(await third.locator('main .event-code').count()).toBe(0);
    expect(await third.locator('main dl.event-facts').textContent()).not.toContain(EVENT.venueAddress);
    await checkAndShoot(third, 'events-groups-event-waitlisted');
    await readMail(THIRD.email, fmt(ja.mail.eventWaitlisted.subject, { network: NETWORK.nameJa, title: EVENT.title }));

    // Outside the group, the event does not exist: not in the list, 404 by URL.
    const outsider = alumnus(OUTSIDER);
    expect(await visit(outsider, '/events')).toBe(200);
    expect(await mainText(outsider)).not.toContain(EVENT.title);
    expect(await visit(outsider, eventPath)).toBe(404);
    expect(await mainText(outsider)).not.toContain(EVENT.title);

    // The members' list shows it with the viewer's own state.
    expect(await visit(first, '/events')).toBe(200);
    const card = first.locator('main article.event-card', { hasText: EVENT.title });
    expect(await card.locator('.event-mine').textContent()).toBe(E.mine.registered);
    expect(await card.textContent()).toContain(fmt(E.forGroup, { name: GROUP.name }));
    await checkAndShoot(first, 'events-groups-events-list');
    for (const a of [FIRST, SECOND, OUTSIDER]) expect(pageErrors(alumnus(a))).toEqual([]);
  });

  test('[EVENTS][WAITLIST] a registered member cancels; the waitlisted one is promoted and told by e-mail', async () => {
    ready();
    const first = alumnus(FIRST);
    expect(await visit(first, eventPath)).toBe(200);
    expect(await navigation(first, () => first.click('main form[action$="/registration/cancel"] button[type="submit"]'))).toBe(200);
    expect(await first.locator('main [role="status"]').first().textContent()).toContain(E.status.cancelledDone);
    expect(await first.locator('main .event-code').count()).toBe(0);

    const mail = await readMail(THIRD.email, fmt(ja.mail.eventPromoted.subject, { network: NETWORK.nameJa, title: EVENT.title }));
    const third = alumnus(THIRD);
    expect(await visit(third, eventPath)).toBe(200);
    expect(await registrationBox(third).locator('.notice').first().textContent()).toBe(E.status.promoted);
    const code = ((await third.locator('main .event-code code').textContent()) ?? '').trim();
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
    expect(mail.text).toContain(code);
    expect(mail.text).toContain(EVENT.venueAddress);
    // The mail's first link is the short calendar link; the event page follows it.
    expect(mail.link).toBe(`${suite.current().server.baseUrl}${eventPath}/google`);
    expect(mail.text).toContain(`${suite.current().server.baseUrl}${eventPath}\n`);
    // Followed in the member's session, it leads to Google Calendar with the event (the address included: a seat is theirs).
    const google = await third.request.get(mail.link!, { maxRedirects: 0 });
    expect(google.status()).toBe(302);
    const entry = new URL(google.headers().location!);
    expect(entry.origin).toBe('https://calendar.google.com');
    expect(entry.searchParams.get('text')).toBe(EVENT.title);
    expect(entry.searchParams.get('location')).toContain(EVENT.venueAddress);
    await checkAndShoot(third, 'events-groups-event-promoted');
  });

  test('[EVENTS][CHECK-IN] on a 375 px phone: a typed code, the same code again, a code from the QR URL', async () => {
    ready();
    const phone = await freshPage(PHONE);
    await signIn(phone, COMMUNITY_MANAGER.email, COMMUNITY_MANAGER.password, cmSecret);
    const desk = `${eventPath}/check-in`;
    expect(await visit(phone, desk)).toBe(200);
    expect(await h1(phone)).toBe(C.title);
    await expectNoSideScroll(phone, 375);
    await checkAndShoot(phone, 'events-groups-checkin-phone');

    // Typed as staff type it: lower case, with a space in the middle.
    const typed = `${secondCode.slice(0, 5).toLowerCase()} ${secondCode.slice(5).toLowerCase()}`;
    await phone.fill('main form.checkin-form #f-code', typed);
    expect(await navigation(phone, () => phone.click('main form.checkin-form button[type="submit"]'))).toBe(200);
    expect(await deskResult(phone)).toEqual({ title: `✓${C.result.checkedIn}`, name: SECOND.name });
    expect(await phone.locator('main form.checkin-form #f-code').inputValue()).toBe('');
    await expectNoSideScroll(phone, 375);
    await shot(phone, 'events-groups-checkin-phone-done');

    await phone.fill('main form.checkin-form #f-code', secondCode);
    expect(await navigation(phone, () => phone.click('main form.checkin-form button[type="submit"]'))).toBe(200);
    const again = await deskResult(phone);
    expect(again).toEqual({ title: `!${C.result.already}`, name: SECOND.name });
    expect(await phone.locator('main .checkin-result__detail').first().textContent()).toContain(COMMUNITY_MANAGER.name);
    await expectNoSideScroll(phone, 375);
    await checkAndShoot(phone, 'events-groups-checkin-phone-already');

    // The QR code's URL (a phone camera opens it): who it is, then a confirm button.
    const thirdCode = ((await alumnus(THIRD).locator('main .event-code code').textContent()) ?? '').trim();
    expect(await visit(phone, `${desk}?code=${thirdCode}`)).toBe(200);
    expect(await deskResult(phone)).toEqual({ title: `?${C.result.ready}`, name: THIRD.name });
    expect(await phone.locator('main .checkin-result').textContent()).toContain(`${EVENT.question}: ${EVENT.options[0]}`);
    await expectNoSideScroll(phone, 375);
    await shot(phone, 'events-groups-checkin-phone-qr');
    expect(await navigation(phone, () => phone.click('main form.checkin-confirm button[type="submit"]'))).toBe(200);
    expect(await deskResult(phone)).toEqual({ title: `✓${C.result.checkedIn}`, name: THIRD.name });
    const counts = (await phone.locator('main dl.stats').textContent()) ?? '';
    expect(counts).toContain(fmt(C.ofRegistered, { registered: 2 }));
    expect(pageErrors(phone)).toEqual([]);

    // The attendee's side of the desk: their own phone shows the code and the QR at the door.
    const attendeePhone = await freshPage(PHONE);
    await signIn(attendeePhone, SECOND.email, SECOND.password);
    expect(await visit(attendeePhone, eventPath)).toBe(200);
    expect(await attendeePhone.locator('main .event-qr svg').isVisible()).toBe(true);
    // The QR comes before the description, within the first two screens of the phone.
    const qr = (await attendeePhone.locator('main .event-qr').boundingBox())!;
    expect(qr.y).toBeLessThan((await attendeePhone.locator('main #about-title').boundingBox())!.y);
    expect(qr.y + qr.height).toBeLessThan(2 * PHONE.viewport.height);
    await expectNoSideScroll(attendeePhone, 375);
    await shot(attendeePhone, 'events-groups-event-phone');
  });

  test('[EVENTS][GROUPS][A11Y] attendees, groups, group, thread pass axe; the event page in English', async () => {
    ready();
    expect(await visit(cm, `${eventPath}/attendees`)).toBe(200);
    const registered = cm.locator('main section[aria-labelledby="attendees-registered"]');
    expect(await registered.locator('tbody tr').count()).toBe(2);
    expect(await registered.textContent()).toContain(SECOND.name);
    expect(await registered.textContent()).toContain(THIRD.name);
    expect(await cm.locator('main section[aria-labelledby="attendees-cancelled"]').textContent()).toContain(FIRST.name);
    await checkAndShoot(cm, 'events-groups-attendees');

    const second = alumnus(SECOND);
    expect(await visit(second, '/groups')).toBe(200);
    expect(await second.locator('main section[aria-labelledby="mine-title"] a').allTextContents()).toContain(GROUP.name);
    await checkAndShoot(second, 'events-groups-groups-list');
    expect(await visit(second, groupPath)).toBe(200);
    await checkAndShoot(second, 'events-groups-group');
    expect(await visit(second, threadPath)).toBe(200);
    expect(await second.locator('main .group-post__body').allTextContents()).toEqual([expect.stringContaining('アルムナイサポーター'), expect.stringContaining(REPLY)]);
    await checkAndShoot(second, 'events-groups-thread');

    expect(await visit(second, `${eventPath}?lang=en`)).toBe(200);
    expect(await second.locator('html').getAttribute('lang')).toBe('en');
    expect(await registrationBox(second).locator('.notice').first().textContent()).toBe(en.events.status.registered);
    await checkAndShoot(second, 'events-groups-event-en');
    await visit(second, `${eventPath}?lang=ja`);
    expect(pageErrors(second)).toEqual([]);
    expect(pageErrors(cm)).toEqual([]);
  });
});
