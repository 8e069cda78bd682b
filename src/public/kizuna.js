// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  // Move focus to the error summary so screen readers announce what to fix.
  const summary = document.querySelector('.error-summary');
  if (summary instanceof HTMLElement) summary.focus();
  // On a phone the navigation scrolls sideways: bring the current page's link into view.
  const nav = document.querySelector('.site-nav');
  const current = nav?.querySelector('[aria-current="page"]');
  if (nav instanceof HTMLElement && current instanceof HTMLElement && nav.scrollWidth > nav.clientWidth) {
    const left = current.getBoundingClientRect().left - nav.getBoundingClientRect().left + nav.scrollLeft;
    nav.scrollLeft = left - (nav.clientWidth - current.offsetWidth) / 2;
  }
});

// Segment editor: count the members a filter selects while it is edited (the form's
// "count members" button does the same without JavaScript).
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form[data-segment-count]');
  const out = document.getElementById('segment-count');
  if (!(form instanceof HTMLFormElement) || !out) return;
  let timer = 0;
  let seq = 0;
  const update = () => {
    const mine = ++seq;
    fetch('/admin/segments/count', { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
      .then((r) => r.json())
      .then((data) => {
        if (mine !== seq || typeof data.text !== 'string') return;
        const p = document.createElement('p');
        p.className = data.ok ? 'lead' : 'field-error';
        const strong = document.createElement('strong');
        strong.textContent = data.text;
        p.append(strong);
        out.replaceChildren(p);
      })
      .catch(() => {});
  };
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(update, 400);
  });
});
