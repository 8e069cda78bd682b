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
