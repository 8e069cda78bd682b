/** Accessible form parts: labels tied to inputs, errors announced and linked from a summary. */
import type { Child } from 'hono/jsx';
import type { Messages } from '../i18n/index.ts';

export type FieldErrors = Record<string, string | undefined>;

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function ErrorSummary({ m, errors }: { m: Messages; errors: FieldErrors }) {
  const entries = Object.entries(errors).filter(([, v]) => v);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1}>
      <p>{m.common.formErrors}</p>
      <ul>
        {entries.map(([name, message]) => (
          <li>
            {/* Messages already name their field ("Enter your name."), so the label is not repeated. */}
            <a href={`#f-${name}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface InputProps {
  name: string;
  /** Element id; defaults to `f-<name>`. Needed when a page has two fields with one name (ids must be unique). */
  id?: string;
  label: string;
  type?: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  autocomplete?: string;
  inputmode?: 'numeric' | 'email' | 'text' | 'tel' | 'search' | 'url' | 'none' | 'decimal';
  maxlength?: number;
  m: Messages;
}

function Described({ id, hint, error, children }: { id: string; hint?: string | undefined; error?: string | undefined; children: Child }) {
  return (
    <>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {children}
    </>
  );
}

function describedBy(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function Input(p: InputProps) {
  const id = p.id ?? `f-${p.name}`;
  return (
    <div class={`field${p.error ? ' field--error' : ''}`}>
      <label for={id}>
        {p.label}
        {p.required ? <span class="req"> ({p.m.common.required})</span> : null}
      </label>
      <Described id={id} hint={p.hint} error={p.error}>
        <input
          id={id}
          name={p.name}
          type={p.type ?? 'text'}
          value={p.type === 'password' ? undefined : p.value}
          required={p.required}
          autocomplete={p.autocomplete}
          inputmode={p.inputmode}
          maxlength={p.maxlength}
          aria-invalid={p.error ? 'true' : undefined}
          aria-describedby={describedBy(id, p.hint, p.error)}
        />
      </Described>
    </div>
  );
}

export function TextArea(p: Omit<InputProps, 'type' | 'autocomplete' | 'inputmode'> & { rows?: number }) {
  const id = p.id ?? `f-${p.name}`;
  return (
    <div class={`field${p.error ? ' field--error' : ''}`}>
      <label for={id}>
        {p.label}
        {p.required ? <span class="req"> ({p.m.common.required})</span> : null}
      </label>
      <Described id={id} hint={p.hint} error={p.error}>
        <textarea
          id={id}
          name={p.name}
          rows={p.rows ?? 5}
          required={p.required}
          maxlength={p.maxlength}
          aria-invalid={p.error ? 'true' : undefined}
          aria-describedby={describedBy(id, p.hint, p.error)}
        >
          {p.value ?? ''}
        </textarea>
      </Described>
    </div>
  );
}

export function Select(
  p: Omit<InputProps, 'type' | 'autocomplete' | 'inputmode' | 'maxlength'> & { options: { value: string; label: string }[] },
) {
  const id = p.id ?? `f-${p.name}`;
  return (
    <div class={`field${p.error ? ' field--error' : ''}`}>
      <label for={id}>
        {p.label}
        {p.required ? <span class="req"> ({p.m.common.required})</span> : null}
      </label>
      <Described id={id} hint={p.hint} error={p.error}>
        <select id={id} name={p.name} required={p.required} aria-invalid={p.error ? 'true' : undefined} aria-describedby={describedBy(id, p.hint, p.error)}>
          {p.options.map((o) => (
            <option value={o.value} selected={o.value === p.value}>
              {o.label}
            </option>
          ))}
        </select>
      </Described>
    </div>
  );
}

export function Radios(
  p: Omit<InputProps, 'type' | 'autocomplete' | 'inputmode' | 'maxlength'> & { options: { value: string; label: string }[] },
) {
  const id = p.id ?? `f-${p.name}`;
  return (
    <fieldset class={`field${p.error ? ' field--error' : ''}`} id={id} aria-describedby={describedBy(id, p.hint, p.error)}>
      <legend>
        {p.label}
        {p.required ? <span class="req"> ({p.m.common.required})</span> : null}
      </legend>
      <Described id={id} hint={p.hint} error={p.error}>
        <div class="choices">
          {p.options.map((o, i) => (
            <label class="choice" for={`${id}-${i}`}>
              <input type="radio" id={`${id}-${i}`} name={p.name} value={o.value} checked={o.value === p.value} required={p.required} />
              {o.label}
            </label>
          ))}
        </div>
      </Described>
    </fieldset>
  );
}

export function Submit({ label, secondary }: { label: string; secondary?: boolean }) {
  return (
    <button type="submit" class={secondary ? 'button button--secondary' : 'button'}>
      {label}
    </button>
  );
}

/** A single checkbox with its label (consents, opt-ins); `value` is what a ticked box sends. */
export function Checkbox(p: { m: Messages; name: string; label: string; checked: boolean; error?: string | undefined; required?: boolean; value?: string }) {
  const id = `f-${p.name}`;
  return (
    <div class={`field${p.error ? ' field--error' : ''}`}>
      {p.error ? (
        <p class="field-error" id={`${id}-error`}>
          {p.error}
        </p>
      ) : null}
      <label class="choice" for={id}>
        <input
          type="checkbox"
          id={id}
          name={p.name}
          value={p.value ?? '1'}
          checked={p.checked}
          required={p.required}
          aria-invalid={p.error ? 'true' : undefined}
          aria-describedby={p.error ? `${id}-error` : undefined}
        />
        <span>
          {p.label}
          {p.required ? <span class="req"> ({p.m.common.required})</span> : null}
        </span>
      </label>
    </div>
  );
}

/** A group of checkboxes sending one repeated field (interests, reasons), with its legend and hint. */
export function Checkboxes(p: { name: string; legend: string; hint: string; options: { value: string; label: string }[]; checked: string[]; card?: boolean; grid?: boolean }) {
  const id = `f-${p.name}`;
  return (
    <fieldset class={p.card ? 'card' : 'field'} id={id} aria-describedby={`${id}-hint`}>
      <legend>{p.legend}</legend>
      <p class="hint" id={`${id}-hint`}>
        {p.hint}
      </p>
      <div class={p.grid ? 'choices choices--grid' : 'choices'}>
        {p.options.map((o) => (
          <label class="choice" for={`${id}-${o.value}`}>
            <input type="checkbox" id={`${id}-${o.value}`} name={p.name} value={o.value} checked={p.checked.includes(o.value)} />
            {o.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
