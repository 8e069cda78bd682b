/** A wrapper for data tables: on a narrow screen the table scrolls sideways inside it. */
import type { Child } from 'hono/jsx';

/**
 * Focusable and labelled (a named region) so that keyboard users can scroll it too
 * (axe: scrollable-region-focusable); its cells keep words whole (kizuna.css).
 */
export function TableWrap({ label, children }: { label: string; children?: Child }) {
  return (
    <div class="table-wrap table-wrap--scroll" role="region" aria-label={label} tabindex={0}>
      {children}
    </div>
  );
}
