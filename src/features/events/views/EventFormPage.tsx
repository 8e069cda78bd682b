/**
 * The organisers' event editor: a plain form (no script). Questions show as the blocks already
 * filled plus one empty block; "add a question" sends the form back with one more (up to the
 * maximum), everything typed kept.
 */
import { EVENT_CATEGORIES, EVENT_FORMATS, WANTS } from '../../../db/schema.ts';
import { fmt } from '../../../shared/i18n/index.ts';
import { canonicalTimeZone } from '../../../shared/i18n/zoned.ts';
import { Checkbox, Checkboxes, CsrfField, ErrorSummary, Input, Radios, Select, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import {
  MAX_ADDRESS,
  MAX_DESCRIPTION,
  MAX_OPTION,
  MAX_QUESTION_LABEL,
  MAX_QUESTIONS,
  MAX_TITLE,
  MAX_URL,
  MAX_VENUE,
  questionRowsOf,
  timeZoneChoices,
  type EditorChoices,
} from '../event.form.ts';
import { zoneName } from '../events.present.ts';
import { EventStyles, type ViewBase } from './EventPages.tsx';

export function EventFormPage(p: {
  v: ViewBase;
  id: string | null;
  /** The event is published: it can be changed, not taken back to a draft. */
  published: boolean;
  values: Record<string, string>;
  errors: FieldErrors;
  choices: EditorChoices;
  /** Hosts may only be chosen among the group's members (a group's manager organising). */
  hostsFromGroup: boolean;
}) {
  const { m, csrfToken, locale } = p.v;
  const e = m.events;
  const ed = e.editor;
  const val = p.values;
  const action = p.id ? `/events/${p.id}/edit` : '/events/new';
  const rows = questionRowsOf(val);
  const questionRows = Array.from({ length: rows }, (_, i) => i + 1);
  // A zone typed in another case (america/new_york) is still the zone chosen in the list.
  const zoneValue = canonicalTimeZone(val.timeZone ?? '') ?? val.timeZone;
  const zones = timeZoneChoices(val.timeZone, p.v.timeZone).map((zone) => {
    const name = zoneName(zone, locale);
    return { value: zone, label: name ? fmt(ed.zoneOption, { name, zone }) : zone };
  });
  return (
    <div class="narrow-wide">
      <EventStyles />
      <p class="small">
        <a href={p.id ? `/events/${p.id}` : '/events'}>← {p.id ? val.title || e.title : e.title}</a>
      </p>
      <h1>{p.id ? ed.editTitle : ed.newTitle}</h1>
      <p>{ed.intro}</p>
      <ErrorSummary m={m} errors={p.errors} />
      <form method="post" action={action} class="profile-form event-editor" novalidate>
        <CsrfField token={csrfToken} />
        {/* Enter in a field presses the form's first submit button: saving (a draft while unpublished), never 「質問を追加」 nor publishing. */}
        <button type="submit" name="intent" value="save" class="visually-hidden" tabindex={-1} aria-hidden="true">
          {p.published ? ed.update : ed.saveDraft}
        </button>
        <fieldset class="card">
          <legend>{ed.basics}</legend>
          <Input m={m} name="title" label={ed.titleField} value={val.title} error={p.errors.title} maxlength={MAX_TITLE} required />
          <TextArea m={m} name="description" label={ed.description} hint={ed.descriptionHint} value={val.description} error={p.errors.description} maxlength={MAX_DESCRIPTION} rows={8} />
          <Select
            m={m}
            name="category"
            label={ed.category}
            value={val.category}
            error={p.errors.category}
            required
            options={EVENT_CATEGORIES.map((c) => ({ value: c, label: e.categories[c] }))}
          />
          <Radios m={m} name="format" label={ed.format} value={val.format} error={p.errors.format} required options={EVENT_FORMATS.map((f) => ({ value: f, label: e.formats[f] }))} />
        </fieldset>
        <fieldset class="card">
          <legend>{ed.place}</legend>
          <Input m={m} name="venueName" label={ed.venueName} hint={ed.venueNameHint} value={val.venueName} error={p.errors.venueName} maxlength={MAX_VENUE} />
          <TextArea m={m} name="venueAddress" label={ed.venueAddress} hint={ed.venueAddressHint} value={val.venueAddress} error={p.errors.venueAddress} maxlength={MAX_ADDRESS} rows={2} />
          <Input m={m} name="meetingUrl" type="url" inputmode="url" label={ed.meetingUrl} hint={ed.meetingUrlHint} value={val.meetingUrl} error={p.errors.meetingUrl} maxlength={MAX_URL} />
        </fieldset>
        <fieldset class="card">
          <legend>{ed.time}</legend>
          <Select m={m} name="timeZone" label={ed.timeZone} hint={ed.timeZoneHint} value={zoneValue} error={p.errors.timeZone} required options={zones} />
          <div class="grid-form">
            <Input m={m} name="startsAt" type="datetime-local" label={ed.startsAt} hint={ed.timeHint} value={val.startsAt} error={p.errors.startsAt} required />
            <Input m={m} name="endsAt" type="datetime-local" label={ed.endsAt} hint={ed.timeHint} value={val.endsAt} error={p.errors.endsAt} required />
          </div>
        </fieldset>
        <fieldset class="card">
          <legend>{ed.registration}</legend>
          <Input m={m} name="capacity" inputmode="numeric" label={ed.capacity} hint={ed.capacityHint} value={val.capacity} error={p.errors.capacity} maxlength={6} />
          <Input
            m={m}
            name="registrationDeadline"
            type="datetime-local"
            label={ed.deadline}
            hint={ed.deadlineHint}
            value={val.registrationDeadline}
            error={p.errors.registrationDeadline}
          />
        </fieldset>
        <fieldset class="card" aria-describedby="questions-hint">
          <legend>{ed.questions}</legend>
          <p class="hint" id="questions-hint">
            {fmt(ed.questionsHint, { max: MAX_QUESTIONS })}
          </p>
          <input type="hidden" name="questionRows" value={String(rows)} />
          {questionRows.map((n) => (
            <fieldset class="event-question" id={`question-${n}`}>
              <legend>{fmt(ed.question, { n })}</legend>
              {val[`q${n}Id`] ? <input type="hidden" name={`q${n}Id`} value={val[`q${n}Id`]} /> : null}
              <Input m={m} name={`q${n}Label`} label={ed.questionLabel} value={val[`q${n}Label`]} error={p.errors[`q${n}Label`]} maxlength={MAX_QUESTION_LABEL} />
              <Select
                m={m}
                name={`q${n}Kind`}
                label={ed.questionKind}
                value={val[`q${n}Kind`] ?? 'text'}
                error={p.errors[`q${n}Kind`]}
                options={(['text', 'choice'] as const).map((k) => ({ value: k, label: ed.kinds[k] }))}
              />
              <TextArea
                m={m}
                name={`q${n}Options`}
                label={ed.questionOptions}
                hint={ed.questionOptionsHint}
                value={val[`q${n}Options`]}
                error={p.errors[`q${n}Options`]}
                maxlength={MAX_OPTION * 21}
                rows={3}
              />
              <Checkbox m={m} name={`q${n}Required`} label={ed.questionRequired} checked={val[`q${n}Required`] === '1'} />
            </fieldset>
          ))}
          {rows < MAX_QUESTIONS ? (
            // The page comes back scrolled to the new block (the fragment of the button's own action).
            <button type="submit" name="intent" value="addQuestion" formaction={`${action}#question-${rows + 1}`} class="button button--secondary">
              {ed.addQuestion}
            </button>
          ) : null}
        </fieldset>
        <fieldset class="card">
          <legend>{ed.people}</legend>
          <TextArea m={m} name="hosts" label={ed.hosts} hint={p.hostsFromGroup ? ed.hostsHintGroup : ed.hostsHint} value={val.hosts} error={p.errors.hosts} rows={3} />
          <Radios
            m={m}
            name="audience"
            label={ed.audience}
            hint={ed.audienceHint}
            value={val.audience}
            error={p.errors.audience}
            required
            options={p.choices.audiences.map((a) => ({ value: a, label: e.audiences[a] }))}
          />
          {p.choices.segments.length ? (
            <Select
              m={m}
              name="segmentId"
              label={ed.segment}
              value={val.segmentId}
              error={p.errors.segmentId}
              options={[{ value: '', label: ed.chooseSegment }, ...p.choices.segments.map((s) => ({ value: s.id, label: s.name }))]}
            />
          ) : null}
          {p.choices.groups.length ? (
            <Select
              m={m}
              name="groupId"
              label={ed.group}
              value={val.groupId}
              error={p.errors.groupId}
              options={[{ value: '', label: ed.chooseGroup }, ...p.choices.groups.map((g) => ({ value: g.id, label: g.name }))]}
            />
          ) : null}
        </fieldset>
        <Checkboxes card name="wants" legend={ed.wants} hint={ed.wantsHint} options={WANTS.map((w) => ({ value: w, label: m.profiles.wants[w] }))} checked={(val.wants ?? '').split(',')} />
        {p.published ? <p class="hint">{ed.updateNote}</p> : null}
        <div class="actions">
          <button type="submit" name="intent" value="publish" class="button">
            {p.published ? ed.update : ed.publish}
          </button>
          {p.published ? null : (
            <button type="submit" name="intent" value="draft" class="button button--secondary">
              {ed.saveDraft}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
