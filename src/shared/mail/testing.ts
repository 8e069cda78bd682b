/**
 * Test helpers for mail: a real SMTP receiver (smtp-server on 127.0.0.1, random port)
 * and a small MIME reader for the messages it collects. For tests only (smtp-server is
 * a dev dependency); the e2e tests can use them to pick up sign-in links.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMessage {
  mailFrom: string;
  /** Every RCPT TO the client sent in this transaction (accepted ones). */
  rcptTo: string[];
  raw: string;
}

/** A reply the receiver gives to RCPT TO, e.g. `{ code: 550, message: 'No such user' }`. */
export interface SmtpReply {
  code: number;
  message: string;
}

export interface SmtpReceiver {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  port: number;
  messages: ReceivedMessage[];
  /** Every RCPT TO attempted, accepted or not. */
  rcptAttempts: string[];
  /** Resolves when at least `count` messages have arrived. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  close(): Promise<void>;
}

/**
 * Starts an SMTP receiver. STARTTLS is disabled (smtp-server's built-in certificate has
 * expired) and authentication is optional. `onRcpt` may refuse a recipient.
 */
export async function startSmtpReceiver(opts: { onRcpt?: (address: string) => SmtpReply | undefined } = {}): Promise<SmtpReceiver> {
  const messages: ReceivedMessage[] = [];
  const rcptAttempts: string[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      rcptAttempts.push(address.address);
      const reply = opts.onRcpt?.(address.address);
      if (reply) {
        const err = Object.assign(new Error(reply.message), { responseCode: reply.code });
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope = session.envelope;
        messages.push({
          mailFrom: envelope.mailFrom ? envelope.mailFrom.address : '',
          rcptTo: envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        for (const wake of waiters) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    rcptAttempts,
    waitForMessages(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length >= count) {
            cleanup();
            resolve(messages);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${count} messages, got ${messages.length}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------- MIME reading

export interface ParsedMessage {
  /** Raw header lines (unfolded), in order: for checking that nothing was injected. */
  headerLines: string[];
  /** Decoded header value, by lower-case name (first occurrence). */
  header(name: string): string | undefined;
  /** Decoded text/plain part. */
  text: string | undefined;
  /** Decoded text/html part. */
  html: string | undefined;
}

function decodeWords(value: string): string {
  // Adjacent encoded words are joined without the whitespace between them (RFC 2047 §6.2).
  return value
    .replace(/(=\?[^?]+\?[BQbq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BQbq])\?([^?]*)\?=/g, (_all, charset: string, enc: string, data: string) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64')
          : Buffer.from(
              data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              'latin1',
            );
      return new TextDecoder(charset.toLowerCase()).decode(bytes);
    });
}

function splitHead(raw: string): { headerLines: string[]; body: string } {
  const normal = raw.replace(/\r\n/g, '\n');
  const cut = normal.indexOf('\n\n');
  const head = cut >= 0 ? normal.slice(0, cut) : normal;
  const body = cut >= 0 ? normal.slice(cut + 2) : '';
  const headerLines: string[] = [];
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && headerLines.length > 0) headerLines[headerLines.length - 1] += ` ${line.trim()}`;
    else headerLines.push(line);
  }
  return { headerLines, body };
}

function headerOf(lines: string[], name: string): string | undefined {
  const prefix = `${name.toLowerCase()}:`;
  const line = lines.find((l) => l.toLowerCase().startsWith(prefix));
  return line === undefined ? undefined : line.slice(prefix.length).trim();
}

function decodeBody(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? '7bit').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const bytes = body
      .replace(/=\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** Reads the headers and the text and HTML parts of a raw message (enough for Kizuna's own mail). */
export function parseMessage(raw: string): ParsedMessage {
  const { headerLines, body } = splitHead(raw);
  const parts: { type: string; text: string }[] = [];
  const walk = (lines: string[], content: string) => {
    const type = headerOf(lines, 'content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (type.toLowerCase().startsWith('multipart/') && boundary) {
      const sections = content.split(`--${boundary}`).slice(1);
      for (const section of sections) {
        if (section.startsWith('--')) break;
        const inner = splitHead(section.replace(/^\n/, ''));
        walk(inner.headerLines, inner.body.replace(/\n$/, ''));
      }
      return;
    }
    parts.push({ type: type.toLowerCase(), text: decodeBody(content, headerOf(lines, 'content-transfer-encoding')) });
  };
  walk(headerLines, body);
  return {
    headerLines,
    header: (name) => {
      const value = headerOf(headerLines, name);
      return value === undefined ? undefined : decodeWords(value);
    },
    text: parts.find((p) => p.type.startsWith('text/plain'))?.text,
    html: parts.find((p) => p.type.startsWith('text/html'))?.text,
  };
}
