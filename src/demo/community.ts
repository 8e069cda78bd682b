/**
 * Demo groups and events: interest groups people would start (協業したい人, 子育て中のアルムナイ,
 * エンジニア), a private project circle, an official group; threads with replies; events of every
 * audience — an alumni meetup open to managers, a group's meetup, an online career talk, a past
 * gathering with check-ins and ratings — so the group pages, event pages, check-in and the
 * attendance figures have something to show; open opportunities, reward rules, a request and an idea
 * for the talent and business pages. Fixed text; times relative to the date the demo is loaded on.
 */
import type { EventAudience, EventCategory, EventFormat, GroupKind, JoinRule, OpportunityKind, RewardKind, RewardTrigger, Want, WorkStyle } from '../db/schema.ts';

export interface DemoGroup {
  key: string;
  name: string;
  description: string;
  kind: GroupKind;
  joinRule: JoinRule;
  listed: boolean;
  wants: Want[];
  /** Every n-th alumnus (by position in the demo's alumni list) is a member; 0 = none. */
  everyNth: number;
  /** Demo accounts (by e-mail) who are members; the first is the group's manager. */
  accounts: string[];
  threads: { title: string; body: string; replies: string[] }[];
}

export const DEMO_GROUPS: readonly DemoGroup[] = [
  {
    key: 'business',
    name: '協業したい人',
    description: '古巣との協業・取引に関心のあるアルムナイと社員の集まりです。\n\n- 自社サービスとの連携アイデア\n- 協業事例の共有\n- 事業部へのつなぎの相談',
    kind: 'interest',
    joinRule: 'open',
    listed: true,
    wants: ['business'],
    everyNth: 5,
    accounts: ['cm@example.com', 'alumnus@example.com', 'manager@example.com'],
    threads: [
      {
        title: '自己紹介スレッド',
        body: 'はじめまして。協業に関心のある方、今のお仕事と関心のあるテーマを一言どうぞ。',
        replies: ['物流系のスタートアップで事業開発をしています。在庫連携の話ができる方を探しています。', 'SaaSの営業をしています。パートナー制度の話を聞きたいです。'],
      },
      {
        title: 'パートナーAPIを使ってみた方はいますか',
        body: '先日公開されたパートナーAPI、サンドボックスで試した方がいたら感想を聞かせてください。',
        replies: ['認証まわりは分かりやすかったです。レート制限の値が知りたいですね。'],
      },
    ],
  },
  {
    key: 'parents',
    name: '子育て中のアルムナイ',
    description: '子育てと仕事の両立について、情報交換する場です。お子さん連れで参加できるイベントも企画します。',
    kind: 'interest',
    joinRule: 'open',
    listed: true,
    wants: ['social', 'information'],
    everyNth: 7,
    accounts: ['cm2@example.com'],
    threads: [
      {
        title: '週末のオンラインお茶会のご案内',
        body: '毎月第2土曜の朝にオンラインでお茶会をしています。途中参加・途中退出も歓迎です。',
        replies: ['先月参加しました。気軽に話せてよかったです。'],
      },
    ],
  },
  {
    key: 'engineers',
    name: 'エンジニア',
    description: '開発部・研究開発部の出身者と現役エンジニアの技術交流グループです。勉強会を定期的に開きます。',
    kind: 'interest',
    joinRule: 'open',
    listed: true,
    wants: ['social', 'mentor', 'information'],
    everyNth: 4,
    accounts: ['manager2@example.com', 'employee3@example.com'],
    threads: [
      {
        title: '次回の勉強会テーマ募集',
        body: '次回の勉強会で取り上げたいテーマを募集します。TypeScript、データ基盤、生成AIの活用など何でもどうぞ。',
        replies: ['型安全なSQLの話が聞きたいです。', 'PostgreSQLの全文検索（日本語）に一票。'],
      },
    ],
  },
  {
    key: 'circle',
    name: '2019年 新規事業プロジェクト',
    description: '2019年の新規事業プロジェクトのメンバーで続けている小さなサークルです（招待制）。',
    kind: 'circle',
    joinRule: 'invitation',
    listed: false,
    wants: ['social'],
    everyNth: 0,
    accounts: ['alumnus@example.com', 'manager@example.com', 'employee2@example.com'],
    threads: [{ title: '年末の集まり', body: '今年も年末に集まりませんか。日程の候補を出します。', replies: ['12月の第3週なら大丈夫です。'] }],
  },
  {
    key: 'supporters',
    name: 'アルムナイ・サポーター',
    description: '会社とアルムナイの橋渡しをするサポーターの公式グループです。参加は申請制です。',
    kind: 'official',
    joinRule: 'request',
    listed: true,
    wants: ['social'],
    everyNth: 0,
    accounts: ['cm@example.com', 'cm2@example.com', 'operator@example.com'],
    threads: [{ title: '12月の交流会の役割分担', body: '受付、司会、会場案内の担当を決めましょう。', replies: ['受付を担当します。'] }],
  },
];

export interface DemoEvent {
  title: string;
  description: string;
  category: EventCategory;
  format: EventFormat;
  venueName: string | null;
  venueAddress: string | null;
  meetingUrl: string | null;
  audience: Exclude<EventAudience, 'segment'>;
  /** DEMO_GROUPS key, for audience 'group'. */
  group?: string;
  wants: Want[];
  /** Days from today (negative: past) and local start/end hours in Asia/Tokyo. */
  day: number;
  startHour: number;
  endHour: number;
  capacity: number | null;
  /** How many alumni register (the first of them checked in and rated, for past events). */
  registrations: number;
}

export const DEMO_EVENTS: readonly DemoEvent[] = [
  {
    title: '年末アルムナイ交流会 2026',
    description: '退職されたみなさんと、現役の役職者が集まる年に一度の交流会です。軽食とお飲み物をご用意します。\n\n当日は受付でQRコードをご提示ください。',
    category: 'social',
    format: 'in_person',
    venueName: '東京本社 20階 ラウンジ',
    venueAddress: '東京都千代田区丸の内1-1-1 20F',
    meetingUrl: null,
    audience: 'alumni_managers',
    wants: ['social'],
    day: 19,
    startHour: 18,
    endHour: 21,
    capacity: 12,
    registrations: 14,
  },
  {
    title: '協業ミートアップ #3',
    description: '「協業したい人」グループのミートアップです。事業部の担当者から、パートナー制度の最新情報をお話しします。',
    category: 'business',
    format: 'hybrid',
    venueName: '大阪支社 会議室A',
    venueAddress: '大阪府大阪市北区梅田2-2-2 8F',
    meetingUrl: 'https://meet.example.com/kizuna-business-3',
    audience: 'group',
    group: 'business',
    wants: ['business'],
    day: 9,
    startHour: 19,
    endHour: 21,
    capacity: 30,
    registrations: 6,
  },
  {
    title: 'オンライン・キャリア相談会',
    description: '現役社員とアルムナイが、キャリアについて気軽に話せる相談会です。1枠20分、カメラオフでも参加できます。',
    category: 'career',
    format: 'online',
    venueName: null,
    venueAddress: null,
    meetingUrl: 'https://meet.example.com/kizuna-career',
    audience: 'alumni_employees',
    wants: ['advice', 'mentor', 'return'],
    day: 4,
    startHour: 20,
    endHour: 21,
    capacity: null,
    registrations: 5,
  },
  {
    title: 'エンジニア勉強会：PostgreSQLで日本語検索',
    description: '「エンジニア」グループの勉強会です。2文字の日本語検索をどう速くするか、実例で話します。',
    category: 'learning',
    format: 'online',
    venueName: null,
    venueAddress: null,
    meetingUrl: 'https://meet.example.com/kizuna-engineers',
    audience: 'group',
    group: 'engineers',
    wants: ['information', 'mentor'],
    day: 13,
    startHour: 19,
    endHour: 20,
    capacity: 50,
    registrations: 4,
  },
  {
    title: '夏のアルムナイ交流会 2026',
    description: '夏の交流会（終了しました）。ご参加ありがとうございました。',
    category: 'social',
    format: 'in_person',
    venueName: '東京本社 20階 ラウンジ',
    venueAddress: '東京都千代田区丸の内1-1-1 20F',
    meetingUrl: null,
    audience: 'alumni_managers',
    wants: ['social'],
    day: -120,
    startHour: 18,
    endHour: 21,
    capacity: 40,
    registrations: 20,
  },
  {
    title: '秋のキャリアトーク',
    description: '再入社した先輩をゲストに迎えたトークイベント（終了しました）。',
    category: 'career',
    format: 'hybrid',
    venueName: '東京本社 会議室',
    venueAddress: '東京都千代田区丸の内1-1-1 5F',
    meetingUrl: 'https://meet.example.com/kizuna-autumn',
    audience: 'alumni_employees',
    wants: ['return', 'advice'],
    day: -30,
    startHour: 19,
    endHour: 21,
    capacity: 25,
    registrations: 16,
  },
];

export interface DemoOpportunity {
  kind: OpportunityKind;
  title: string;
  description: string;
  location: string;
  workStyle: WorkStyle;
  audience: 'alumni' | 'alumni_employees';
  wants: Want[];
  /** Days from the load date until it closes. */
  closesInDays: number;
}

export const DEMO_OPPORTUNITIES: readonly DemoOpportunity[] = [
  {
    kind: 'full_time',
    title: '生産管理システムのプロダクトマネージャー',
    description: '製造業向け生産管理SaaSのプロダクトマネージャーを募集します。\n\n- 顧客企業へのヒアリングと要件整理\n- 開発チームとのロードマップ策定\n\n社外での経験をお持ちのアルムナイを歓迎します。',
    location: '東京本社',
    workStyle: 'hybrid',
    audience: 'alumni_employees',
    wants: ['return'],
    closesInDays: 30,
  },
  {
    kind: 'contract',
    title: 'データ基盤の設計レビュー（業務委託）',
    description: 'PostgreSQLを中心としたデータ基盤の設計レビューを、月10時間程度お願いできる方を探しています。',
    location: 'リモート',
    workStyle: 'remote',
    audience: 'alumni',
    wants: ['sideWork', 'business'],
    closesInDays: 21,
  },
  {
    kind: 'advisory',
    title: '新規事業のアドバイザー',
    description: '物流分野の新規事業について、業界経験のあるアルムナイに月1回アドバイスをいただきたいと考えています。',
    location: '東京本社・オンライン',
    workStyle: 'hybrid',
    audience: 'alumni',
    wants: ['business', 'advice'],
    closesInDays: 45,
  },
];

export const DEMO_REWARD_RULES: readonly { trigger: RewardTrigger; kind: RewardKind; amount: number | null; description: string }[] = [
  { trigger: 'referral_hired', kind: 'amount', amount: 300_000, description: 'ご紹介の方の入社（紹介報奨金）' },
  { trigger: 'referral_submitted', kind: 'points', amount: 500, description: 'ご紹介ありがとうございます' },
  { trigger: 'feedback_adopted', kind: 'gift', amount: null, description: '採用されたアイデアへの記念品' },
];
