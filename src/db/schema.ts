/**
 * The whole database schema, in one place so drizzle-kit can generate migrations from it.
 * Tables used by better-auth keep the field names better-auth expects (camelCase keys)
 * mapped to snake_case columns.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Roles a person can hold in one network. */
export const ROLES = ['operator', 'community_manager', 'employee', 'alumnus'] as const;
export type Role = (typeof ROLES)[number];

/** Member status; issue-level features extend the lifecycle (rehired, deceased…). */
export const MEMBER_STATUSES = ['pending', 'active', 'suspended'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

// ---------------------------------------------------------------- accounts (better-auth)

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    emailVerified: boolean('email_verified').notNull().default(false),
    image: text('image'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    twoFactorEnabled: boolean('two_factor_enabled').notNull().default(false),
    // Kizuna's own fields
    role: text('role').$type<Role>().notNull().default('alumnus'),
    isManager: boolean('is_manager').notNull().default(false),
    status: text('status').$type<MemberStatus>().notNull().default('pending'),
    nameKana: text('name_kana'),
    locale: text('locale').$type<'ja' | 'en'>(),
    /** Why access was revoked (status 'suspended'), shown to operators. */
    revokedReason: text('revoked_reason'),
    /** Last request by this member, written at most once an hour (segments: active / dormant). */
    lastSeenAt: ts('last_seen_at'),
  },
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    token: text('token').notNull().unique(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: ts('expires_at').notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: ts('access_token_expires_at'),
    refreshTokenExpiresAt: ts('refresh_token_expires_at'),
    scope: text('scope'),
    password: text('password'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('accounts_user_idx').on(t.userId)],
);

export const verifications = pgTable(
  'verifications',
  {
    id: text('id').primaryKey(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('verifications_identifier_idx').on(t.identifier)],
);

export const twoFactors = pgTable(
  'two_factors',
  {
    id: text('id').primaryKey(),
    secret: text('secret').notNull(),
    backupCodes: text('backup_codes').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    verified: boolean('verified').notNull().default(true),
    failedVerificationCount: integer('failed_verification_count').notNull().default(0),
    lockedUntil: ts('locked_until'),
  },
  (t) => [index('two_factors_user_idx').on(t.userId), index('two_factors_secret_idx').on(t.secret)],
);

// ---------------------------------------------------------------- network settings

/** Exactly one row (id = 1) once the setup wizard has run. */
export const networkSettings = pgTable('network_settings', {
  id: integer('id').primaryKey().default(1),
  nameJa: text('name_ja').notNull(),
  nameEn: text('name_en').notNull(),
  operatorType: text('operator_type').$type<'company' | 'volunteers' | 'alumni'>().notNull(),
  purposeJa: text('purpose_ja').notNull(),
  purposeEn: text('purpose_en').notNull().default(''),
  rulesJa: text('rules_ja').notNull(),
  rulesEn: text('rules_en').notNull().default(''),
  timeZone: text('time_zone').notNull().default('Asia/Tokyo'),
  /** 特定電子メール法: the sender's name, postal address and contact, printed in every newsletter's footer. */
  senderName: text('sender_name'),
  senderPostalAddress: text('sender_postal_address'),
  senderContact: text('sender_contact'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

// ---------------------------------------------------------------- staff invitations

export const staffInvitations = pgTable(
  'staff_invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    role: text('role').$type<Exclude<Role, 'alumnus'>>().notNull(),
    isManager: boolean('is_manager').notNull().default(false),
    locale: text('locale').$type<'ja' | 'en'>().notNull().default('ja'),
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: text('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    revokedAt: ts('revoked_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('staff_invitations_email_idx').on(sql`lower(${t.email})`)],
);

// ---------------------------------------------------------------- audit log (append-only)

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull().defaultNow(),
    actorId: text('actor_id'),
    actorEmail: text('actor_email'),
    action: text('action').notNull(),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index('audit_events_at_idx').on(t.at),
    index('audit_events_action_idx').on(t.action, t.at),
    index('audit_events_actor_idx').on(t.actorId, t.at),
  ],
);

// ---------------------------------------------------------------- job queue

export const JOB_STATES = ['pending', 'running', 'done', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    queue: text('queue').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull().default({}),
    state: text('state').$type<JobState>().notNull().default('pending'),
    runAt: ts('run_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    lockedAt: ts('locked_at'),
    lockedBy: text('locked_by'),
    lastError: text('last_error'),
    /** Optional de-duplication key: at most one job per key. */
    uniqueKey: text('unique_key').unique(),
    createdAt: ts('created_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('jobs_claim_idx').on(t.state, t.runAt)],
);

// ---------------------------------------------------------------- mail ledger

/**
 * One row per message per recipient. `key` is unique, so a resend after a crash
 * finds the message already sent and skips it.
 */
export interface MailAttachment {
  filename: string;
  contentType: string;
  /** base64 */
  content: string;
  /** Content-ID for an inline image (referenced as cid:… in the HTML part). */
  cid?: string;
  /** Text shown for an inline image. */
  alt?: string;
}

export const mailMessages = pgTable(
  'mail_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull().unique(),
    toAddress: text('to_address').notNull(),
    userId: text('user_id'),
    template: text('template').notNull(),
    locale: text('locale').$type<'ja' | 'en'>().notNull(),
    subject: text('subject'),
    textBody: text('text_body'),
    state: text('state').$type<'queued' | 'sent' | 'failed'>().notNull().default('queued'),
    transport: text('transport'),
    messageId: text('message_id'),
    emlPath: text('eml_path'),
    error: text('error'),
    /**
     * Files sent with the message (an event's .ics, a check-in QR code), rendered when queued
     * like the text. `content` is base64; an attachment with a `cid` is shown inline in the HTML part.
     */
    attachments: jsonb('attachments').$type<MailAttachment[]>(),
    createdAt: ts('created_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
  },
  (t) => [index('mail_messages_created_idx').on(t.createdAt)],
);

// ---------------------------------------------------------------- rate limits

export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').notNull(),
    windowStart: ts('window_start').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);

// ---------------------------------------------------------------- company and roster

export const departments = pgTable(
  'departments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull().unique(),
    nameJa: text('name_ja').notNull(),
    nameEn: text('name_en').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('departments_name_ja_key').on(t.nameJa)],
);

export const CONTACT_STATUSES = ['ok', 'do_not_contact', 'deceased'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** HR roster: operators only. One row per person who worked at the company. */
export const rosterEntries = pgTable(
  'roster_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    employeeNumber: text('employee_number').notNull().unique(),
    name: text('name').notNull(),
    nameKana: text('name_kana'),
    nameRomaji: text('name_romaji'),
    departmentId: uuid('department_id').references(() => departments.id),
    title: text('title'),
    joinedOn: date('joined_on'),
    leftOn: date('left_on'),
    leaveReasonCategory: text('leave_reason_category'),
    rehireEligible: text('rehire_eligible').$type<'yes' | 'no' | 'unknown'>().notNull().default('unknown'),
    personalEmail: text('personal_email'),
    contactConsent: boolean('contact_consent').notNull().default(false),
    /** 'ok', 'do_not_contact' (never mailed) or 'deceased' (never mailed, hidden everywhere). */
    contactStatus: text('contact_status').$type<ContactStatus>().notNull().default('ok'),
    /** Set while the person works at the company again (rehired); cleared on a new leave date. */
    rehiredOn: date('rehired_on'),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('roster_entries_left_idx').on(t.leftOn),
    index('roster_entries_kana_idx').on(t.nameKana),
    index('roster_entries_user_idx').on(t.userId),
    index('roster_entries_department_idx').on(t.departmentId),
  ],
);

/** Department history of a roster entry (several rows per person). */
export const rosterDepartments = pgTable(
  'roster_departments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    rosterEntryId: uuid('roster_entry_id')
      .notNull()
      .references(() => rosterEntries.id, { onDelete: 'cascade' }),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    fromOn: date('from_on'),
    toOn: date('to_on'),
  },
  (t) => [
    index('roster_departments_entry_idx').on(t.rosterEntryId),
    index('roster_departments_dept_idx').on(t.departmentId),
    unique('roster_departments_period_key').on(t.rosterEntryId, t.departmentId, t.fromOn).nullsNotDistinct(),
  ],
);

export const IMPORT_STATES = ['previewed', 'queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/** One uploaded roster file and the progress of its import (the work runs as a job). */
export const rosterImports = pgTable(
  'roster_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    fileName: text('file_name').notNull(),
    encoding: text('encoding').notNull(),
    headers: jsonb('headers').$type<string[]>().notNull(),
    mapping: jsonb('mapping').$type<Record<string, number>>().notNull(),
    /** Row errors (first ones) and a sample of valid rows, computed when the mapping is set. */
    preview: jsonb('preview').$type<{ errors: unknown[]; sample: unknown[]; errorCounts: Record<string, number> }>().notNull().default({ errors: [], sample: [], errorCounts: {} }),
    state: text('state').$type<ImportState>().notNull().default('previewed'),
    totalRows: integer('total_rows').notNull().default(0),
    validRows: integer('valid_rows').notNull().default(0),
    errorRows: integer('error_rows').notNull().default(0),
    processedRows: integer('processed_rows').notNull().default(0),
    inserted: integer('inserted').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    error: text('error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('roster_imports_created_idx').on(t.createdAt)],
);

/** Header → field choices an operator made, remembered for the next file. */
export const rosterHeaderMappings = pgTable('roster_header_mappings', {
  header: text('header').primaryKey(),
  field: text('field').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

// ---------------------------------------------------------------- membership lifecycle

/** Employment events after the first leave: rehired, left again (history is never overwritten). */
export const employmentEvents = pgTable(
  'employment_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    rosterEntryId: uuid('roster_entry_id')
      .notNull()
      .references(() => rosterEntries.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'rehired' | 'left'>().notNull(),
    on: date('on').notNull(),
    createdBy: text('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('employment_events_entry_idx').on(t.rosterEntryId)],
);

/** Legal bases on which a person on the roster may be contacted (APPI). */
export const LEGAL_BASES = ['consent_offboarding', 'consent_import', 'operator_recorded'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** A wave of invitations to a segment of the roster ("start small with a narrow group"). */
export const invitationWaves = pgTable('invitation_waves', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  /** The roster filter: departments, leave-year range, rehire eligibility, not yet invited… */
  segment: jsonb('segment').$type<Record<string, unknown>>().notNull(),
  legalBasis: text('legal_basis').$type<LegalBasis>().notNull(),
  /** Required for 'operator_recorded': what the basis is and where it is documented. */
  legalBasisNote: text('legal_basis_note'),
  invitedCount: integer('invited_count').notNull().default(0),
  skippedCount: integer('skipped_count').notNull().default(0),
  createdAt: ts('created_at').notNull().defaultNow(),
  sentAt: ts('sent_at'),
});

/** One invitation: one person, one e-mail, single-use token, expiry, at most two reminders. */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    waveId: uuid('wave_id').references(() => invitationWaves.id, { onDelete: 'set null' }),
    rosterEntryId: uuid('roster_entry_id')
      .notNull()
      .references(() => rosterEntries.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    locale: text('locale').$type<'ja' | 'en'>().notNull().default('ja'),
    legalBasis: text('legal_basis').$type<LegalBasis>().notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: ts('expires_at').notNull(),
    remindersSent: integer('reminders_sent').notNull().default(0),
    lastSentAt: ts('last_sent_at'),
    acceptedAt: ts('accepted_at'),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: ts('revoked_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('invitations_entry_idx').on(t.rosterEntryId), index('invitations_wave_idx').on(t.waveId)],
);

/** Consents a person gave, versioned and timestamped; a withdrawal is a new state, never a deletion. */
export const consents = pgTable(
  'consents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    rosterEntryId: uuid('roster_entry_id').references(() => rosterEntries.id, { onDelete: 'cascade' }),
    /** 'purpose_of_use' (the APPI notice), 'network_rules', 'contact' (may be contacted by the network), 'newsletter' (特定電子メール法 opt-in). */
    kind: text('kind').$type<'purpose_of_use' | 'network_rules' | 'contact' | 'newsletter'>().notNull(),
    /** Version of the notice or rules text that was shown. */
    version: text('version').notNull(),
    /** Where it was given: 'join', 'offboarding', 'import', 'signup'. */
    source: text('source').notNull(),
    givenAt: ts('given_at').notNull().defaultNow(),
    withdrawnAt: ts('withdrawn_at'),
    ip: text('ip'),
  },
  (t) => [index('consents_user_idx').on(t.userId), index('consents_entry_idx').on(t.rosterEntryId)],
);

/** What a member wants to receive; every topic is its own opt-in (all off until chosen). */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  news: boolean('news').notNull().default(false),
  newsletter: boolean('newsletter').notNull().default(false),
  events: boolean('events').notNull().default(false),
  jobs: boolean('jobs').notNull().default(false),
  messages: boolean('messages').notNull().default(false),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Who may see a profile field: everyone in the network, alumni only, company staff only, only me. */
export const VISIBILITIES = ['network', 'alumni', 'staff', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** What a member wants from the network (several may be chosen). */
export const WANTS = ['return', 'business', 'sideWork', 'mentor', 'advice', 'social', 'information'] as const;
export type Want = (typeof WANTS)[number];

/** Whether a member is open to being contacted: by anyone, by nobody, by the company only. */
export const CONTACT_PREFERENCES = ['yes', 'no', 'company'] as const;
export type ContactPreference = (typeof CONTACT_PREFERENCES)[number];

export interface ProfileLink {
  label: string;
  url: string;
}

/** A member's profile: every field's visibility is in `visibility` (field name → Visibility). */
export const memberProfiles = pgTable('member_profiles', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  nameRomaji: text('name_romaji'),
  /** File name of the re-encoded photo in the uploads folder (photos/…), or null. */
  photoKey: text('photo_key'),
  currentEmployer: text('current_employer'),
  currentTitle: text('current_title'),
  /** An industry code (see INDUSTRIES in the profiles feature). */
  industry: text('industry'),
  /** ISO 3166 country code; `prefecture` (JIS X 0401, 01–47) when the country is JP. */
  country: text('country'),
  prefecture: text('prefecture'),
  skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
  achievements: text('achievements'),
  links: jsonb('links').$type<ProfileLink[]>().notNull().default([]),
  bioJa: text('bio_ja'),
  bioEn: text('bio_en'),
  wants: text('wants').array().$type<Want[]>().notNull().default(sql`'{}'::text[]`),
  contact: text('contact').$type<ContactPreference>().notNull().default('no'),
  /** Hidden from the directory entirely (the profile is then seen by nobody but the member). */
  hidden: boolean('hidden').notNull().default(false),
  /** Field name → 'network' | 'alumni' | 'staff' | 'private'. Missing fields use the default of the field. */
  visibility: jsonb('visibility').$type<Record<string, string>>().notNull().default({}),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  /** Last time the member saved or confirmed the profile (drives the freshness reminder). */
  reviewedAt: ts('reviewed_at').notNull().defaultNow(),
  reviewRemindedAt: ts('review_reminded_at'),
});

/** Career since leaving: positions with dates ('YYYY-MM'); one visibility for all (field 'career'). */
export const careerPositions = pgTable(
  'career_positions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    employer: text('employer').notNull(),
    title: text('title'),
    fromMonth: text('from_month'),
    toMonth: text('to_month'),
  },
  (t) => [index('career_positions_user_idx').on(t.userId)],
);

/** A member blocked another: neither sees the other anywhere, and no contact is possible. */
export const memberBlocks = pgTable(
  'member_blocks',
  {
    blockerId: text('blocker_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    blockedId: text('blocked_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] }), index('member_blocks_blocked_idx').on(t.blockedId)],
);

/** The audiences a directory entry is built for: what alumni may see, what company staff may see. */
export const AUDIENCES = ['alumni', 'staff'] as const;
export type Audience = (typeof AUDIENCES)[number];

/**
 * The directory as each audience may see it: one row per listed member and audience,
 * holding only values visible to that audience (search text, filters, the card shown in
 * lists). A search can therefore never match on, or show, a value hidden from the viewer.
 * Rebuilt from the profile on every change; members not listed have no rows.
 */
export const directoryEntries = pgTable(
  'directory_entries',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    audience: text('audience').$type<Audience>().notNull(),
    /** Sort key for 五十音順: the kana reading in hiragana (or the name). */
    sortKey: text('sort_key').notNull(),
    joinedAt: ts('joined_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    /** Normalised text of every visible searchable value (NFKC, lower case, hiragana). */
    searchText: text('search_text').notNull(),
    /** Every two-character piece of searchText: serves 2-character queries (営業) that trigrams cannot. */
    grams: text('grams').array().notNull(),
    industry: text('industry'),
    country: text('country'),
    prefecture: text('prefecture'),
    skills: text('skills').array().notNull(),
    wants: text('wants').array().notNull(),
    departmentIds: uuid('department_ids').array().notNull(),
    leftYear: integer('left_year'),
    /** What a list shows for this audience. */
    card: jsonb('card').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.audience] }),
    index('directory_sort_idx').on(t.audience, t.sortKey, t.userId),
    index('directory_joined_idx').on(t.audience, t.joinedAt, t.userId),
    index('directory_updated_idx').on(t.audience, t.updatedAt, t.userId),
    // One GIN index per audience (partial): a search never has to intersect with a bitmap of
    // every row of its audience, which the planner otherwise builds from a btree on `audience`.
    index('directory_trgm_alumni_idx').using('gin', sql`${t.searchText} gin_trgm_ops`).where(sql`audience = 'alumni'`),
    index('directory_trgm_staff_idx').using('gin', sql`${t.searchText} gin_trgm_ops`).where(sql`audience = 'staff'`),
    index('directory_grams_alumni_idx').using('gin', t.grams).where(sql`audience = 'alumni'`),
    index('directory_grams_staff_idx').using('gin', t.grams).where(sql`audience = 'staff'`),
    index('directory_skills_idx').using('gin', t.skills),
    index('directory_wants_idx').using('gin', t.wants),
    index('directory_departments_idx').using('gin', t.departmentIds),
    index('directory_left_year_idx').on(t.audience, t.leftYear),
    index('directory_industry_idx').on(t.audience, t.industry),
    index('directory_location_idx').on(t.audience, t.country, t.prefecture),
  ],
);

/**
 * One row whose number goes up with every statement that changes directory_entries (a trigger,
 * migration 0011): a cached search page is served only while the number it was built under is
 * still current. The counter is transactional, so a change is seen only once its rows are.
 */
export const directoryGeneration = pgTable(
  'directory_generation',
  {
    id: integer('id').primaryKey().default(1),
    generation: bigint('generation', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('directory_generation_one_row', sql`${t.id} = 1`)],
);

/** Profile and search views per member and hour: the rate limit's count, and what operators see as unusual volume. */
export const directoryViews = pgTable(
  'directory_views',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    hour: ts('hour').notNull(),
    profiles: integer('profiles').notNull().default(0),
    searches: integer('searches').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.hour] }), index('directory_views_hour_idx').on(t.hour)],
);

/** Self sign-up by an alumnus who was not invited, waiting for verification against the roster. */
export const signupRequests = pgTable(
  'signup_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    nameKana: text('name_kana'),
    joinYear: integer('join_year'),
    leaveYear: integer('leave_year'),
    department: text('department'),
    employeeNumber: text('employee_number'),
    note: text('note'),
    state: text('state').$type<'pending' | 'more_info' | 'approved' | 'declined'>().notNull().default('pending'),
    /** The roster entry it was matched to (automatically, or by the reviewer). */
    rosterEntryId: uuid('roster_entry_id').references(() => rosterEntries.id, { onDelete: 'set null' }),
    matchScore: integer('match_score'),
    reviewerId: text('reviewer_id').references(() => users.id, { onDelete: 'set null' }),
    reviewerMessage: text('reviewer_message'),
    decidedAt: ts('decided_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('signup_requests_state_idx').on(t.state, t.createdAt)],
);

// ---------------------------------------------------------------- offboarding

/** A leaver's farewell: exit form, the manager's thank-you, and the invitation on the last day. */
export const offboardings = pgTable(
  'offboardings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    rosterEntryId: uuid('roster_entry_id')
      .notNull()
      .unique()
      .references(() => rosterEntries.id, { onDelete: 'cascade' }),
    lastDay: date('last_day').notNull(),
    managerId: text('manager_id').references(() => users.id, { onDelete: 'set null' }),
    locale: text('locale').$type<'ja' | 'en'>().notNull().default('ja'),
    /** Where the exit-form link was sent (work address while still employed, or a personal one). */
    contactEmail: text('contact_email').notNull(),
    exitTokenHash: text('exit_token_hash').notNull().unique(),
    exitSubmittedAt: ts('exit_submitted_at'),
    /** What they might want later: news, events, side_work, return_someday, mentoring… */
    interests: jsonb('interests').$type<string[]>().notNull().default([]),
    /** Confidential: operators see only aggregates of this column. */
    confidentialReason: text('confidential_reason'),
    managerRequestedAt: ts('manager_requested_at'),
    managerMessage: text('manager_message'),
    managerWrittenAt: ts('manager_written_at'),
    farewellSentAt: ts('farewell_sent_at'),
    operatorsNotifiedAt: ts('operators_notified_at'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('offboardings_last_day_idx').on(t.lastDay)],
);

// ---------------------------------------------------------------- segments, news, newsletters

/**
 * A segment's saved filter. Every criterion is optional; criteria combine with AND, values
 * inside one criterion with OR. Profile criteria (wants, skills, industry, location) match
 * only values the member lets company staff see; roster criteria (department, leave year)
 * come from the roster.
 */
export interface SegmentFilter {
  roles?: ('alumnus' | 'employee' | 'manager' | 'community_manager' | 'operator')[];
  wants?: Want[];
  leftFrom?: number;
  leftTo?: number;
  departmentIds?: string[];
  skills?: string[];
  industries?: string[];
  prefectures?: string[];
  countries?: string[];
  languages?: ('ja' | 'en')[];
  /** Opted in to these topics (all of them). */
  consents?: ('news' | 'newsletter' | 'events' | 'jobs' | 'messages')[];
  joinedFrom?: string;
  joinedTo?: string;
  /** Last seen within this many days (active) … */
  activeWithinDays?: number;
  /** … or not seen for at least this many days (dormant). */
  inactiveForDays?: number;
  /** Active member of any of these groups. */
  groupIds?: string[];
}

export const segments = pgTable('segments', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  description: text('description'),
  filter: jsonb('filter').$type<SegmentFilter>().notNull().default({}),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  archivedAt: ts('archived_at'),
});

export const POST_CATEGORIES = ['company', 'strategy', 'products', 'workstyle', 'stories', 'opportunities'] as const;
export type PostCategory = (typeof POST_CATEGORIES)[number];

/** Who may read a post (or receive a newsletter): everyone in the network, alumni, employees (all staff roles), a segment. */
export const CONTENT_AUDIENCES = ['everyone', 'alumni', 'employees', 'segment'] as const;
export type ContentAudience = (typeof CONTENT_AUDIENCES)[number];

/** A news post in Japanese and/or English (Markdown, sanitised when rendered). */
export const posts = pgTable(
  'posts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    category: text('category').$type<PostCategory>().notNull(),
    audience: text('audience').$type<ContentAudience>().notNull().default('everyone'),
    segmentId: uuid('segment_id').references(() => segments.id, { onDelete: 'restrict' }),
    titleJa: text('title_ja'),
    bodyJa: text('body_ja'),
    titleEn: text('title_en'),
    bodyEn: text('body_en'),
    /** File name of the re-encoded cover image under the uploads folder. */
    coverKey: text('cover_key'),
    pinned: boolean('pinned').notNull().default(false),
    state: text('state').$type<'draft' | 'scheduled' | 'published' | 'archived'>().notNull().default('draft'),
    /** When a scheduled post goes live (published when this time has passed). */
    publishAt: ts('publish_at'),
    publishedAt: ts('published_at'),
    commentsOpen: boolean('comments_open').notNull().default(true),
    /**
     * Which interests the post serves (WANTS): the personalised home ranks by them and says so;
     * a post about returning ('return') is never recommended to a member who did not ask for it.
     */
    wants: text('wants').array().$type<Want[]>().notNull().default(sql`'{}'::text[]`),
    authorId: text('author_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('posts_published_idx').on(t.state, t.publishedAt)],
);

export const REACTIONS = ['like', 'thanks', 'celebrate', 'insightful'] as const;
export type Reaction = (typeof REACTIONS)[number];

export const postReactions = pgTable(
  'post_reactions',
  {
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reaction: text('reaction').$type<Reaction>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.userId, t.reaction] })],
);

export const postComments = pgTable(
  'post_comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Hidden by a moderator (kept for the record, never shown). */
    hiddenAt: ts('hidden_at'),
    hiddenBy: text('hidden_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [index('post_comments_post_idx').on(t.postId, t.createdAt)],
);

/** A member's report of something another member wrote (comments now; group posts later). */
export const contentReports = pgTable(
  'content_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').$type<'post_comment' | 'group_post' | 'message'>().notNull(),
    targetId: uuid('target_id').notNull(),
    reporterId: text('reporter_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    resolvedAt: ts('resolved_at'),
    resolvedBy: text('resolved_by').references(() => users.id, { onDelete: 'set null' }),
    /** What the moderator did: hid the content, or found nothing wrong. */
    resolution: text('resolution').$type<'hidden' | 'dismissed'>(),
  },
  (t) => [unique('content_reports_once').on(t.kind, t.targetId, t.reporterId), index('content_reports_open_idx').on(t.resolvedAt, t.createdAt)],
);

export const NEWSLETTER_STATES = ['draft', 'scheduled', 'sending', 'paused', 'cancelled', 'sent'] as const;
export type NewsletterState = (typeof NEWSLETTER_STATES)[number];

/** A newsletter (メルマガ): an introduction plus chosen posts, sent to a segment ∩ members who opted in. */
export const newsletters = pgTable('newsletters', {
  id: uuid('id').primaryKey().defaultRandom(),
  subjectJa: text('subject_ja'),
  subjectEn: text('subject_en'),
  introJa: text('intro_ja'),
  introEn: text('intro_en'),
  postIds: jsonb('post_ids').$type<string[]>().notNull().default([]),
  /** Null: every member who opted in to newsletters. */
  segmentId: uuid('segment_id').references(() => segments.id, { onDelete: 'restrict' }),
  state: text('state').$type<NewsletterState>().notNull().default('draft'),
  scheduledAt: ts('scheduled_at'),
  /** When the recipient list was fixed (the ledger rows written). */
  startedAt: ts('started_at'),
  finishedAt: ts('finished_at'),
  /** Messages per second for this send (null: the configured default). */
  ratePerSecond: integer('rate_per_second'),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * The per-recipient ledger of a newsletter: one row per newsletter × member (the primary key),
 * so a resumed send never mails anyone twice except a batch that was in flight at a crash
 * (its rows are 'sending' with an old claim; `attempts` > 1 counts them).
 */
export const newsletterRecipients = pgTable(
  'newsletter_recipients',
  {
    newsletterId: uuid('newsletter_id')
      .notNull()
      .references(() => newsletters.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    address: text('address').notNull(),
    locale: text('locale').$type<'ja' | 'en'>().notNull(),
    state: text('state').$type<'pending' | 'sending' | 'sent' | 'failed' | 'skipped'>().notNull().default('pending'),
    claimedAt: ts('claimed_at'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at'),
    sentAt: ts('sent_at'),
    messageId: text('message_id'),
    /** Why it failed or was skipped (hard bounce, unsubscribed, suppressed…). */
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.newsletterId, t.userId] }), index('newsletter_recipients_state_idx').on(t.newsletterId, t.state)],
);

/** Addresses never mailed again (hard bounces, complaints), whatever a list says. */
export const mailSuppressions = pgTable('mail_suppressions', {
  address: text('address').primaryKey(),
  reason: text('reason').$type<'hard_bounce' | 'complaint' | 'manual'>().notNull(),
  detail: text('detail'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** Clicks on a newsletter's redirect links (no tracking pixels). */
export const newsletterClicks = pgTable(
  'newsletter_clicks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    newsletterId: uuid('newsletter_id')
      .notNull()
      .references(() => newsletters.id, { onDelete: 'cascade' }),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    url: text('url').notNull(),
    clickedAt: ts('clicked_at').notNull().defaultNow(),
  },
  (t) => [index('newsletter_clicks_newsletter_idx').on(t.newsletterId, t.clickedAt)],
);

// ---------------------------------------------------------------- groups

/** Interest / orientation groups, small project circles, official groups run by operators. */
export const GROUP_KINDS = ['interest', 'circle', 'official'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

/** How one becomes a member: join at once, ask and be approved, or be invited by a manager. */
export const JOIN_RULES = ['open', 'request', 'invitation'] as const;
export type JoinRule = (typeof JOIN_RULES)[number];

export const DIGEST_FREQUENCIES = ['off', 'daily', 'weekly'] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];

export const groups = pgTable('groups', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** Markdown. */
  description: text('description'),
  kind: text('kind').$type<GroupKind>().notNull().default('interest'),
  joinRule: text('join_rule').$type<JoinRule>().notNull().default('open'),
  /**
   * Listed groups appear in the group list to every member; an unlisted group (a private project
   * circle) is seen only by its members, invitees and the network's operators and community managers.
   */
  listed: boolean('listed').notNull().default(true),
  /** What the group is about, in the members' own terms (the home page and segments may use it). */
  wants: text('wants').array().$type<Want[]>().notNull().default(sql`'{}'::text[]`),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  archivedAt: ts('archived_at'),
});

export const GROUP_MEMBER_STATES = ['active', 'requested', 'invited', 'removed'] as const;
export type GroupMemberState = (typeof GROUP_MEMBER_STATES)[number];

/** One row per group × person: a member, a pending request or invitation, or someone removed (who may not rejoin alone). */
export const groupMembers = pgTable(
  'group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<'manager' | 'member'>().notNull().default('member'),
    state: text('state').$type<GroupMemberState>().notNull(),
    /** A muted member reads but may not post until this time (null: not muted). */
    mutedUntil: ts('muted_until'),
    digest: text('digest').$type<DigestFrequency>().notNull().default('weekly'),
    lastDigestAt: ts('last_digest_at'),
    /** Why the person asked to join (by-request groups). */
    requestNote: text('request_note'),
    invitedBy: text('invited_by').references(() => users.id, { onDelete: 'set null' }),
    decidedBy: text('decided_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    joinedAt: ts('joined_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_idx').on(t.userId, t.state)],
);

/**
 * A thread (thread_id null, with a title) or a reply (thread_id = the thread). Markdown,
 * rendered through shared/markdown.ts only.
 */
export const groupPosts = pgTable(
  'group_posts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    threadId: uuid('thread_id'),
    title: text('title'),
    body: text('body').notNull(),
    authorId: text('author_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    editedAt: ts('edited_at'),
    /** Threads: the last reply's time (list order). */
    lastActivityAt: ts('last_activity_at').notNull().defaultNow(),
    hiddenAt: ts('hidden_at'),
    hiddenBy: text('hidden_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('group_posts_threads_idx').on(t.groupId, t.lastActivityAt),
    index('group_posts_replies_idx').on(t.threadId, t.createdAt),
  ],
);

/** Members mentioned in a group post (each is told once). */
export const groupMentions = pgTable(
  'group_mentions',
  {
    postId: uuid('post_id')
      .notNull()
      .references(() => groupPosts.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.postId, t.userId] })],
);

// ---------------------------------------------------------------- events

export const EVENT_CATEGORIES = ['social', 'career', 'business', 'learning', 'company', 'other'] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

export const EVENT_FORMATS = ['online', 'in_person', 'hybrid'] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];

/**
 * Who may see and register: alumni only; alumni + managers (役職者) among employees; alumni + every
 * employee; a segment; a group's members. Operators and community managers organise every event.
 */
export const EVENT_AUDIENCES = ['alumni', 'alumni_managers', 'alumni_employees', 'segment', 'group'] as const;
export type EventAudience = (typeof EVENT_AUDIENCES)[number];

export interface EventQuestion {
  id: string;
  label: string;
  kind: 'text' | 'choice';
  options?: string[];
  required: boolean;
}

export const events = pgTable(
  'events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    /** Markdown. */
    description: text('description'),
    category: text('category').$type<EventCategory>().notNull().default('social'),
    format: text('format').$type<EventFormat>().notNull(),
    /** Venue name, shown to everyone who can see the event (e.g. "東京本社"). */
    venueName: text('venue_name'),
    /** Street address: shown only to registered people. */
    venueAddress: text('venue_address'),
    /** Meeting URL: shown only to registered people. */
    meetingUrl: text('meeting_url'),
    /** IANA time zone the times are entered and shown in (e.g. Asia/Tokyo). */
    timeZone: text('time_zone').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    /** Null: no limit. */
    capacity: integer('capacity'),
    registrationDeadline: ts('registration_deadline'),
    questions: jsonb('questions').$type<EventQuestion[]>().notNull().default([]),
    audience: text('audience').$type<EventAudience>().notNull().default('alumni'),
    segmentId: uuid('segment_id').references(() => segments.id, { onDelete: 'restrict' }),
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'restrict' }),
    /** Interests the event serves (the personalised home ranks by them, as for posts). */
    wants: text('wants').array().$type<Want[]>().notNull().default(sql`'{}'::text[]`),
    state: text('state').$type<'draft' | 'published' | 'cancelled'>().notNull().default('draft'),
    cancelReason: text('cancel_reason'),
    /** Bumped on every change attendees are told about (the .ics SEQUENCE). */
    sequence: integer('sequence').notNull().default(0),
    reminderSentAt: ts('reminder_sent_at'),
    publishedAt: ts('published_at'),
    cancelledAt: ts('cancelled_at'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('events_starts_idx').on(t.state, t.startsAt), index('events_group_idx').on(t.groupId, t.startsAt)],
);

/** Hosts are named on the event page and may check people in. */
export const eventHosts = pgTable(
  'event_hosts',
  {
    eventId: uuid('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.userId] })],
);

export const REGISTRATION_STATES = ['registered', 'waitlisted', 'cancelled'] as const;
export type RegistrationState = (typeof REGISTRATION_STATES)[number];

/**
 * One row per event × member (walk-ins without an account have user_id null and a name).
 * Seats are taken under a lock on the event row, so concurrent registrations never over-book.
 */
export const eventRegistrations = pgTable(
  'event_registrations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** Walk-ins without an account. */
    guestName: text('guest_name'),
    guestEmail: text('guest_email'),
    state: text('state').$type<RegistrationState>().notNull(),
    answers: jsonb('answers').$type<Record<string, string>>().notNull().default({}),
    /** The attendee's check-in code (QR and typed), unique across events. */
    checkInCode: text('check_in_code').notNull().unique(),
    checkedInAt: ts('checked_in_at'),
    checkedInBy: text('checked_in_by').references(() => users.id, { onDelete: 'set null' }),
    walkIn: boolean('walk_in').notNull().default(false),
    /** Waitlist order: the time the person joined the waitlist. */
    waitlistedAt: ts('waitlisted_at'),
    promotedAt: ts('promoted_at'),
    cancelledAt: ts('cancelled_at'),
    rating: integer('rating'),
    ratingComment: text('rating_comment'),
    ratedAt: ts('rated_at'),
    /** Where the person came from (a newsletter, a post…), carried by the link: analytics. */
    source: text('source'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('event_registrations_member_key').on(t.eventId, t.userId),
    index('event_registrations_state_idx').on(t.eventId, t.state, t.waitlistedAt),
    index('event_registrations_user_idx').on(t.userId),
  ],
);

// ---------------------------------------------------------------- talent and business (opportunities, pipelines, rewards, requests, feedback, messages)

/**
 * Where a person arrived from, carried by the link (`?src=newsletter:<id>`, `post:<id>`, `event:<id>`,
 * `opportunity:<id>`, `group:<id>`): stored on every application, referral, request, feedback and
 * registration so analytics can say which activity led to which outcome. Validated by shared/attribution.ts.
 */
export type Attribution = string;

export const OPPORTUNITY_KINDS = ['full_time', 'contract', 'side_job', 'project', 'advisory'] as const;
export type OpportunityKind = (typeof OPPORTUNITY_KINDS)[number];

export const WORK_STYLES = ['onsite', 'hybrid', 'remote'] as const;
export type WorkStyle = (typeof WORK_STYLES)[number];

/** Who may see an opportunity: alumni; alumni and employees (referrals); a segment. */
export const OPPORTUNITY_AUDIENCES = ['alumni', 'alumni_employees', 'segment'] as const;
export type OpportunityAudience = (typeof OPPORTUNITY_AUDIENCES)[number];

export const opportunities = pgTable(
  'opportunities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').$type<OpportunityKind>().notNull(),
    title: text('title').notNull(),
    /** Markdown. */
    description: text('description').notNull(),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    location: text('location'),
    workStyle: text('work_style').$type<WorkStyle>().notNull().default('hybrid'),
    audience: text('audience').$type<OpportunityAudience>().notNull().default('alumni'),
    segmentId: uuid('segment_id').references(() => segments.id, { onDelete: 'restrict' }),
    /** Referrals are welcome (alumni and employees may refer candidates). */
    referralsOpen: boolean('referrals_open').notNull().default(true),
    closesAt: ts('closes_at'),
    state: text('state').$type<'draft' | 'open' | 'closed'>().notNull().default('draft'),
    wants: text('wants').array().$type<Want[]>().notNull().default(sql`'{}'::text[]`),
    publishedAt: ts('published_at'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('opportunities_state_idx').on(t.state, t.publishedAt)],
);

/** Stages of an application (a return application or one to an opportunity) and of a referral. */
export const PIPELINE_STAGES = ['received', 'casual_talk', 'interviews', 'offer', 'hired', 'not_this_time', 'withdrawn'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** Why a returner would come back / what changed (operators see the aggregate). */
export const RETURN_REASONS = ['growth', 'role', 'people', 'mission', 'flexibility', 'pay', 'location', 'life_change', 'other'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/**
 * An application: to an opportunity, or to return (opportunity null: the open door). The profile
 * snapshot is what the applicant's profile said when they applied, as company staff may see it.
 */
export const applications = pgTable(
  'applications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    opportunityId: uuid('opportunity_id').references(() => opportunities.id, { onDelete: 'set null' }),
    applicantId: text('applicant_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'return' | 'opportunity'>().notNull(),
    note: text('note'),
    profileSnapshot: jsonb('profile_snapshot').$type<Record<string, unknown>>().notNull().default({}),
    /** What changed since they left, and what they would need to return (return applications). */
    whatChanged: text('what_changed'),
    whatNeeded: text('what_needed'),
    reasons: text('reasons').array().$type<ReturnReason[]>().notNull().default(sql`'{}'::text[]`),
    stage: text('stage').$type<PipelineStage>().notNull().default('received'),
    /** Staff member handling it (sees it and its internal notes). */
    assigneeId: text('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    /** What the applicant sees about the current stage, in plain words chosen by staff (optional). */
    messageToApplicant: text('message_to_applicant'),
    source: text('source').$type<Attribution>(),
    stageChangedAt: ts('stage_changed_at').notNull().defaultNow(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('applications_applicant_idx').on(t.applicantId),
    index('applications_stage_idx').on(t.stage, t.createdAt),
    // One live application per person and opportunity (or one open-door application).
    uniqueIndex('applications_open_key')
      .on(t.applicantId, sql`coalesce(${t.opportunityId}::text, 'return')`)
      .where(sql`${t.stage} not in ('hired', 'not_this_time', 'withdrawn')`),
  ],
);

/** A candidate referred by a member for an opportunity; the candidate agreed to be contacted. */
export const referrals = pgTable(
  'referrals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    opportunityId: uuid('opportunity_id').references(() => opportunities.id, { onDelete: 'set null' }),
    referrerId: text('referrer_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    candidateName: text('candidate_name').notNull(),
    candidateEmail: text('candidate_email').notNull(),
    candidatePhone: text('candidate_phone'),
    /** The referrer confirmed the candidate agreed to be contacted (required to submit). */
    candidateAgreedAt: ts('candidate_agreed_at').notNull(),
    note: text('note'),
    stage: text('stage').$type<PipelineStage>().notNull().default('received'),
    assigneeId: text('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    source: text('source').$type<Attribution>(),
    stageChangedAt: ts('stage_changed_at').notNull().defaultNow(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('referrals_referrer_idx').on(t.referrerId), index('referrals_stage_idx').on(t.stage, t.createdAt)],
);

/** The kinds of case with a pipeline, notes and history. */
export const CASE_KINDS = ['application', 'referral', 'request', 'feedback'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/**
 * Notes on a case: `internal` notes are for operators and the assigned staff member only; the
 * others are replies the member sees (request and feedback threads, messages on an application).
 */
export const caseNotes = pgTable(
  'case_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseKind: text('case_kind').$type<CaseKind>().notNull(),
    caseId: uuid('case_id').notNull(),
    authorId: text('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    internal: boolean('internal').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('case_notes_case_idx').on(t.caseKind, t.caseId, t.createdAt)],
);

/** Every stage or status change of a case (who, when, from, to): the pipeline's history and analytics. */
export const caseHistory = pgTable(
  'case_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseKind: text('case_kind').$type<CaseKind>().notNull(),
    caseId: uuid('case_id').notNull(),
    actorId: text('actor_id').references(() => users.id, { onDelete: 'set null' }),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('case_history_case_idx').on(t.caseKind, t.caseId, t.at)],
);

/** What earns a reward: a referral submitted, a referred candidate hired, feedback found useful or adopted. */
export const REWARD_TRIGGERS = ['referral_submitted', 'referral_hired', 'feedback_useful', 'feedback_adopted'] as const;
export type RewardTrigger = (typeof REWARD_TRIGGERS)[number];

export const REWARD_KINDS = ['points', 'gift', 'amount'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

/** The network's reward rules (one active rule per trigger). */
export const rewardRules = pgTable('reward_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  trigger: text('trigger').$type<RewardTrigger>().notNull(),
  kind: text('kind').$type<RewardKind>().notNull(),
  /** Points or yen; null for a gift. */
  amount: integer('amount'),
  /** What the gift is, or how the reward is described to members (ja/en free text). */
  description: text('description').notNull(),
  active: boolean('active').notNull().default(true),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const REWARD_STATES = ['pending', 'approved', 'paid', 'cancelled'] as const;
export type RewardState = (typeof REWARD_STATES)[number];

/** The reward ledger: one row per member × rule × case (a case never earns the same reward twice). */
export const rewards = pgTable(
  'rewards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    ruleId: uuid('rule_id').references(() => rewardRules.id, { onDelete: 'set null' }),
    trigger: text('trigger').$type<RewardTrigger>().notNull(),
    caseKind: text('case_kind').$type<CaseKind>().notNull(),
    caseId: uuid('case_id').notNull(),
    kind: text('kind').$type<RewardKind>().notNull(),
    amount: integer('amount'),
    description: text('description').notNull(),
    state: text('state').$type<RewardState>().notNull().default('pending'),
    approvedAt: ts('approved_at'),
    approvedBy: text('approved_by').references(() => users.id, { onDelete: 'set null' }),
    paidAt: ts('paid_at'),
    paidBy: text('paid_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [unique('rewards_once').on(t.userId, t.trigger, t.caseKind, t.caseId), index('rewards_user_idx').on(t.userId, t.createdAt)],
);

export const REQUEST_KINDS = ['introduction', 'collaboration', 'career_talk', 'other'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export const REQUEST_STATES = ['new', 'in_progress', 'connected', 'closed'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];
export const REQUEST_OUTCOMES = ['deal', 'project', 'hire', 'none'] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

/** A request (依頼) to the company: routed by the secretariat to an employee contact, answered in a thread. */
export const companyRequests = pgTable(
  'company_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requesterId: text('requester_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<RequestKind>().notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** The department the requester wants to reach, when they know it. */
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    state: text('state').$type<RequestState>().notNull().default('new'),
    assigneeId: text('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    outcome: text('outcome').$type<RequestOutcome>(),
    /** Value of the outcome in yen (a deal's size), optional. */
    outcomeValue: integer('outcome_value'),
    source: text('source').$type<Attribution>(),
    stateChangedAt: ts('state_changed_at').notNull().defaultNow(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('company_requests_state_idx').on(t.state, t.createdAt), index('company_requests_assignee_idx').on(t.assigneeId, t.state)],
);

export const FEEDBACK_KINDS = ['product', 'service', 'idea'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
export const FEEDBACK_STATES = ['received', 'considering', 'adopted', 'not_now'] as const;
export type FeedbackState = (typeof FEEDBACK_STATES)[number];

/** Feedback on products and services, and improvement ideas; the company replies (case_notes). */
export const feedbackItems = pgTable(
  'feedback_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<FeedbackKind>().notNull(),
    /** The product or service it is about (free text). */
    subject: text('subject'),
    title: text('title').notNull(),
    body: text('body').notNull(),
    state: text('state').$type<FeedbackState>().notNull().default('received'),
    assigneeId: text('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    source: text('source').$type<Attribution>(),
    stateChangedAt: ts('state_changed_at').notNull().defaultNow(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('feedback_items_state_idx').on(t.state, t.createdAt), index('feedback_items_author_idx').on(t.authorId)],
);

/**
 * A 1:1 conversation: between two members who both allow contact ('member'), or between a member
 * and the company ('company': the secretariat — operators and community managers — or the assigned
 * employee). Operators never read 'member' conversations they are not part of.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').$type<'member' | 'company'>().notNull(),
    /** 'member': the two members (ordered: member_a < member_b); 'company': member_a is the member. */
    memberA: text('member_a')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    memberB: text('member_b').references(() => users.id, { onDelete: 'cascade' }),
    /** 'company': the employee assigned to answer (null: the secretariat). */
    assigneeId: text('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    subject: text('subject'),
    source: text('source').$type<Attribution>(),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastMessageAt: ts('last_message_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('conversations_member_pair_key').on(t.memberA, t.memberB).where(sql`${t.kind} = 'member'`),
    index('conversations_a_idx').on(t.memberA, t.lastMessageAt),
    index('conversations_b_idx').on(t.memberB, t.lastMessageAt),
  ],
);

export const conversationMessages = pgTable(
  'conversation_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    senderId: text('sender_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    hiddenAt: ts('hidden_at'),
  },
  (t) => [index('conversation_messages_idx').on(t.conversationId, t.createdAt)],
);

/** Read state per participant (for 'company' conversations, one row per staff member who read it). */
export const conversationReads = pgTable(
  'conversation_reads',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    lastReadAt: ts('last_read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.userId] })],
);
