/**
 * Who a mail says it is from, read the way DMARC reads it (pure). The header From is parsed with
 * the very address parser mailauth uses for DMARC (its own copy of nodemailer's), so the address
 * that identifies a user is the address whose domain DMARC evaluated: `alice@example.com (x)
 * attacker@evil.example` cannot name alice while DMARC looks at evil.example.
 *
 * Only the header block is read (the body is not needed to know the sender). A From that is not
 * exactly one plain address (no From, several From headers, several addresses, a group, or an
 * address in the display name) is `ambiguous`: its (first) address may still name a user, but
 * never as verified.
 */
import { createRequire } from 'node:module';

/** mailauth's address parser (the one its DKIM verifier feeds DMARC with). */
type AddressParser = (value: string) => { name?: string; address?: string; group?: unknown[] }[];
const fromMailauth = createRequire(createRequire(import.meta.url).resolve('mailauth'));
const parseAddresses = fromMailauth('nodemailer/lib/addressparser') as AddressParser;

export interface HeaderFrom {
  /** the address, lower-cased (the first one when there are several); '' when the From names none */
  address: string;
  /** true unless the From is exactly one address with a display name free of addresses */
  ambiguous: boolean;
  /** why it is ambiguous, for the log */
  reason?: 'no From' | 'several From headers' | 'several addresses' | 'group' | 'address in display name';
}

/** The header block of a raw message (up to the first empty line), unfolded into `name: value` lines. */
export function headerLines(raw: Buffer | string): string[] {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf : lf;
  const block = end === -1 ? text : text.slice(0, end);
  return block.replace(/\r?\n[ \t]/g, ' ').split(/\r?\n/);
}

/** Every value of header `name` (case-insensitive), in order. */
export function headerValues(lines: readonly string[], name: string): string[] {
  const prefix = `${name.toLowerCase()}:`;
  return lines.filter((l) => l.toLowerCase().startsWith(prefix)).map((l) => l.slice(prefix.length).trim());
}

const ADDRESS_LIKE = /[^\s@<>"]+@[^\s@<>"]+/;

/**
 * @example
 * headerFrom(['Alice <alice@example.com>'])                      // { address: 'alice@example.com', ambiguous: false }
 * headerFrom(['alice@example.com (x) attacker@evil.example'])    // { address: 'attacker@evil.example', ambiguous: true, reason: 'address in display name' }
 */
export function headerFrom(values: readonly string[]): HeaderFrom {
  if (values.length === 0) return { address: '', ambiguous: true, reason: 'no From' };
  const parsed = values.flatMap((v) => parseAddresses(v));
  const addresses = parsed.filter((a) => a.address);
  // several addresses: the first one names the sender, never as verified (a code goes to its real owner)
  const address = addresses[0]?.address?.trim().toLowerCase() ?? '';
  if (parsed.some((a) => a.group)) return { address: '', ambiguous: true, reason: 'group' };
  if (values.length > 1) return { address, ambiguous: true, reason: 'several From headers' };
  if (addresses.length !== 1 || parsed.length !== 1) return { address, ambiguous: true, reason: 'several addresses' };
  if (ADDRESS_LIKE.test(addresses[0]!.name ?? '')) return { address, ambiguous: true, reason: 'address in display name' };
  return { address, ambiguous: false };
}

/** The header From of a raw message (see {@link headerFrom}). */
export function headerFromRaw(raw: Buffer | string): HeaderFrom {
  return headerFrom(headerValues(headerLines(raw), 'from'));
}

/** The domain part of an address, lower-cased ('' when none). */
export const domainOf = (address: string): string => {
  const at = address.lastIndexOf('@');
  return at === -1 ? '' : address.slice(at + 1).toLowerCase();
};
