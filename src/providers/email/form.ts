/**
 * Webhook form bodies as providers send them (pure): `application/x-www-form-urlencoded` and
 * `multipart/form-data`, the latter parsed from the raw bytes so each field is decoded with its own
 * charset (SendGrid sends `text` in the mail's charset and names it in its `charsets` field, which a
 * UTF-8-only form parser would garble). Files (parts with a filename) are listed, not kept.
 */

export interface WebhookForm {
  /** first value of each field */
  get(name: string): string | undefined;
  names(): string[];
  /** names of file parts */
  files: string[];
}

interface RawPart {
  name: string;
  charset?: string;
  body: Buffer;
  file: boolean;
}

/** windows-1252 bytes 0x80..0x9F (WHATWG index); Node's TextDecoder maps them as Latin-1 controls. */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const WINDOWS_1252 = /^(windows-1252|cp1252|x-cp1252|iso-8859-1|iso8859-1|latin1|l1|us-ascii|ascii|cp819|ibm819)$/i;

/** Decodes bytes in a charset (WHATWG names and aliases), UTF-8 when unknown. */
export function decodeBytes(bytes: Buffer, charset: string | undefined): string {
  const name = charset?.trim() || 'utf-8';
  if (WINDOWS_1252.test(name)) {
    let out = '';
    for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
    return out;
  }
  try {
    return new TextDecoder(name).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function param(header: string, key: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${key}\\*?=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i').exec(header);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Splits a multipart body at its boundary; tolerates LF-only line ends. */
export function splitMultipart(body: Buffer, boundary: string): RawPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: RawPart[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    let from = start + delimiter.length;
    if (body.subarray(from, from + 2).toString() === '--') break;
    from = body[from] === 0x0d ? from + 2 : from + 1;
    const next = body.indexOf(delimiter, from);
    if (next === -1) break;
    let end = next;
    if (body[end - 1] === 0x0a) end -= body[end - 2] === 0x0d ? 2 : 1;
    const chunk = body.subarray(from, Math.max(from, end));
    const crlf = chunk.indexOf('\r\n\r\n');
    const lf = chunk.indexOf('\n\n');
    const [headEnd, sep] = crlf !== -1 && (lf === -1 || crlf < lf) ? [crlf, 4] : [lf, 2];
    const head = headEnd === -1 ? chunk.toString('latin1') : chunk.subarray(0, headEnd).toString('latin1');
    const content = headEnd === -1 ? Buffer.alloc(0) : chunk.subarray(headEnd + sep);
    const disposition = /^content-disposition:(.*)$/im.exec(head)?.[1] ?? '';
    const type = /^content-type:(.*)$/im.exec(head)?.[1] ?? '';
    const name = param(disposition, 'name');
    if (name !== undefined) {
      const charset = param(type, 'charset');
      parts.push({ name, body: content, file: param(disposition, 'filename') !== undefined, ...(charset && { charset }) });
    }
    start = next;
  }
  return parts;
}

/**
 * @example
 * const form = parseWebhookForm(bytes, 'multipart/form-data; boundary=xYzZY');
 * form.get('text') // decoded with form.get('charsets').text when SendGrid names one
 */
export function parseWebhookForm(body: Buffer, contentType: string): WebhookForm {
  const values = new Map<string, string>();
  const files: string[] = [];
  if (/^multipart\/form-data/i.test(contentType)) {
    const boundary = param(contentType, 'boundary');
    const parts = boundary ? splitMultipart(body, boundary) : [];
    const charsetsPart = parts.find((p) => p.name === 'charsets' && !p.file);
    let named: Record<string, string> = {};
    try {
      named = charsetsPart ? (JSON.parse(charsetsPart.body.toString('utf8')) as Record<string, string>) : {};
    } catch {
      named = {};
    }
    for (const p of parts) {
      if (p.file) {
        files.push(p.name);
        continue;
      }
      if (!values.has(p.name)) values.set(p.name, decodeBytes(p.body, p.charset ?? named[p.name]));
    }
  } else {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) if (!values.has(k)) values.set(k, v);
  }
  return { get: (n) => values.get(n), names: () => [...values.keys()], files };
}
