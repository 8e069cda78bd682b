// Check-in page enhancement (loaded on that page only): where the browser can read QR codes
// (BarcodeDetector) and use the camera, a "scan" button fills in and sends the code. The QR code
// holds the check-in URL (…/check-in?code=XXX); its code is taken from it. Elsewhere nothing changes:
// the typed form, and a phone's camera app opening the URL, work without this file.
document.addEventListener('DOMContentLoaded', async () => {
  const form = document.querySelector('form[data-checkin-scan]');
  const input = form && form.querySelector('input[name="code"]');
  if (!(form instanceof HTMLFormElement) || !(input instanceof HTMLInputElement)) return;
  if (!('BarcodeDetector' in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes('qr_code')) return;
  } catch {
    return;
  }
  const detector = new window.BarcodeDetector({ formats: ['qr_code'] });

  const area = document.createElement('div');
  area.className = 'checkin-scan';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button button--secondary';
  button.textContent = form.dataset.checkinScan;
  const status = document.createElement('p');
  status.className = 'hint';
  status.setAttribute('role', 'status');
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.setAttribute('aria-hidden', 'true');
  video.hidden = true;
  area.append(button, status, video);
  form.append(area);

  let stream = null;
  let timer = 0;

  const stop = () => {
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    button.textContent = form.dataset.checkinScan;
    status.textContent = '';
  };

  /** The code in a scanned value: the `code` parameter of a check-in URL, or the text itself. */
  const codeOf = (value) => {
    try {
      const url = new URL(value);
      return url.searchParams.get('code') || '';
    } catch {
      return value.trim();
    }
  };

  const look = async () => {
    if (!stream) return;
    try {
      const found = await detector.detect(video);
      const code = found.length ? codeOf(found[0].rawValue) : '';
      if (code) {
        input.value = code;
        stop();
        form.requestSubmit();
        return;
      }
    } catch {
      // A frame that is not ready yet: try the next one.
    }
    timer = window.setTimeout(look, 250);
  };

  button.addEventListener('click', async () => {
    if (stream) return stop();
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch {
      status.textContent = form.dataset.checkinFailed;
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play().catch(() => {});
    button.textContent = form.dataset.checkinStop;
    status.textContent = form.dataset.checkinHelp;
    look();
  });

  // Leaving the page (or sending the typed code) turns the camera off.
  window.addEventListener('pagehide', stop);
  form.addEventListener('submit', stop);
});
