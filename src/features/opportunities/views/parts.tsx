/** Pieces the applicant's and the staff's application pages share. */

/**
 * Questions and the person's answers, one under the other (long answers stay readable on a
 * phone, where a two-column list would squeeze them); unanswered questions are left out.
 */
export function Answers({ items }: { items: [question: string, answer: string | null][] }) {
  return (
    <>
      {items
        .filter(([, answer]) => answer)
        .map(([question, answer]) => (
          <>
            <h3>{question}</h3>
            <p class="prose">{answer}</p>
          </>
        ))}
    </>
  );
}

/** A group of checkboxes sending one repeated field (interests, reasons), with its legend and hint. */
export function Checkboxes(p: { name: string; legend: string; hint: string; options: { value: string; label: string }[]; checked: string[]; card?: boolean }) {
  const id = `f-${p.name}`;
  return (
    <fieldset class={p.card ? 'card' : 'field'} id={id} aria-describedby={`${id}-hint`}>
      <legend>{p.legend}</legend>
      <p class="hint" id={`${id}-hint`}>
        {p.hint}
      </p>
      <div class="choices choices--grid">
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
