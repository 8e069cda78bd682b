/**
 * Demo content: news posts in Japanese and English (some only in one language), segments an
 * operator would build, and newsletter opt-ins with their consent records, so the news, the
 * personalised home, segments and newsletters have something to show. Fixed text; dates are
 * relative to the demo's "today".
 */
import type { PostCategory, SegmentFilter, Want } from '../db/schema.ts';

export interface DemoPost {
  category: PostCategory;
  audience: 'everyone' | 'alumni' | 'employees';
  titleJa: string | null;
  bodyJa: string | null;
  titleEn: string | null;
  bodyEn: string | null;
  wants: Want[];
  pinned: boolean;
  /** Days before today it was published. */
  daysAgo: number;
}

export const DEMO_POSTS: readonly DemoPost[] = [
  {
    category: 'company',
    audience: 'everyone',
    titleJa: 'アルムナイネットワークを開設しました',
    bodyJa:
      '退職された皆さんと会社をつなぐ場として、アルムナイネットワークを開設しました。\n\n- 会社のニュースや制度の変化をお届けします\n- 同じ時期に働いた仲間を名簿で探せます\n- イベントや協業の機会をご案内します\n\nプロフィールの公開範囲は項目ごとに選べます。',
    titleEn: 'Our alumni network is open',
    bodyEn:
      'We have opened an alumni network to keep former colleagues and the company connected.\n\n- Company news and changes to how we work\n- Find the people you worked with in the directory\n- Events and opportunities to work together\n\nYou choose who sees each field of your profile.',
    wants: ['information', 'social'],
    pinned: true,
    daysAgo: 20,
  },
  {
    category: 'opportunities',
    audience: 'alumni',
    titleJa: '新規事業の協業パートナーを募集しています',
    bodyJa:
      '物流 × データ分析の新規事業で、アルムナイの皆さんの会社との協業を募集しています。**PoC からご一緒できる方**を歓迎します。\n\n詳しくは事務局までご相談ください。',
    titleEn: 'Looking for partners for a new business',
    bodyEn: 'We are looking for alumni companies to work with on a new logistics and data analytics business, starting from a proof of concept.',
    wants: ['business', 'sideWork'],
    pinned: false,
    daysAgo: 3,
  },
  {
    category: 'workstyle',
    audience: 'everyone',
    titleJa: 'リモートワーク制度と副業規定を改定しました',
    bodyJa: '2026年10月から、フルリモート勤務と副業の事前申請が簡単になりました。制度の詳細は社内ポータルでも公開しています。',
    titleEn: null,
    bodyEn: null,
    wants: ['information'],
    pinned: false,
    daysAgo: 8,
  },
  {
    category: 'stories',
    audience: 'everyone',
    titleJa: '再入社した先輩に聞く：外で学んだこと、戻って活きたこと',
    bodyJa: '5年ぶりに戻ってきた営業企画部の先輩に、社外での経験と、戻ってから活きていることを聞きました。',
    titleEn: 'A returner on what they learned outside',
    bodyEn: 'A colleague who came back after five years talks about what they learned elsewhere and what helps them now.',
    wants: ['return'],
    pinned: false,
    daysAgo: 5,
  },
  {
    category: 'products',
    audience: 'everyone',
    titleJa: null,
    bodyJa: null,
    titleEn: 'New API for partners (English only)',
    bodyEn: 'Our partner API is now public. Alumni working with TypeScript or Python can try it in the sandbox.',
    wants: ['business', 'information'],
    pinned: false,
    daysAgo: 1,
  },
  {
    category: 'company',
    audience: 'employees',
    titleJa: '【社員向け】アルムナイイベントの運営スタッフ募集',
    bodyJa: '12月のアルムナイ交流会の運営を手伝ってくれる社員を募集しています。',
    titleEn: null,
    bodyEn: null,
    wants: ['social'],
    pinned: false,
    daysAgo: 2,
  },
];

export const DEMO_SEGMENTS: readonly { name: string; description: string; filter: SegmentFilter }[] = [
  { name: '協業・副業に関心のあるアルムナイ', description: '協業提案や業務委託の案内に', filter: { roles: ['alumnus'], wants: ['business', 'sideWork'] } },
  { name: '2015年以降の退職者', description: '近年の退職者向けの近況報告に', filter: { roles: ['alumnus'], leftFrom: 2015 } },
  { name: 'メルマガ購読者（英語）', description: 'English newsletter readers', filter: { languages: ['en'], consents: ['newsletter'] } },
];
