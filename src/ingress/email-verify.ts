/**
 * Is an inbound mail really from the address in its From header? DKIM, SPF and DMARC checked by
 * mailauth, each only when the channel's `listen.verify` lists it, every listed check required.
 * A check passes only when it passes *for the From domain* (aligned), so a mail signed by or sent
 * from some other domain never passes as a configured user's.
 */
import { promises as dns } from 'node:dns';
import { authenticate, type AuthenticateResult, type DNSResolver } from 'mailauth';

export type VerifyCheck = 'dkim' | 'spf' | 'dmarc';

export interface VerifyInput {
  /** the whole message as received */
  raw: Buffer;
  /** SMTP client address */
  ip: string;
  /** EHLO/HELO name */
  helo: string;
  /** MAIL FROM address ('' for the null sender) */
  sender: string;
  /** this listener's host name (Authentication-Results authserv-id) */
  mta: string;
}

export interface VerifyVerdict {
  ok: boolean;
  /** one `check=result` entry per listed check, for the log */
  results: string[];
}

/** Relaxed alignment: one domain is the other or a subdomain of it (RFC 7489 3.1, approximated without the PSL). */
export function alignedDomains(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/\.$/, '');
  const y = b.toLowerCase().replace(/\.$/, '');
  return x !== '' && y !== '' && (x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`));
}

/** Evaluates mailauth's answer for `fromDomain` (pure). */
export function judgeAuthentication(res: Pick<AuthenticateResult, 'dkim' | 'spf' | 'dmarc'>, fromDomain: string, checks: readonly VerifyCheck[]): VerifyVerdict {
  const results: string[] = [];
  let ok = true;
  for (const check of checks) {
    let pass = false;
    let result = 'none';
    if (check === 'dkim') {
      const sigs = res.dkim?.results ?? [];
      pass = sigs.some((s) => s.status.result === 'pass' && alignedDomains(s.signingDomain, fromDomain));
      result = pass ? 'pass' : sigs.map((s) => `${s.status.result}${s.signingDomain ? `(${s.signingDomain})` : ''}`).join(',') || 'none';
    } else if (check === 'spf') {
      const spf = res.spf;
      pass = !!spf && spf.status.result === 'pass' && alignedDomains(spf.domain, fromDomain);
      result = spf ? `${spf.status.result}(${spf.domain})` : 'none';
    } else {
      const dmarc = res.dmarc;
      pass = !!dmarc && dmarc.status.result === 'pass';
      result = dmarc ? dmarc.status.result : 'none';
    }
    results.push(`${check}=${result}`);
    ok &&= pass;
  }
  return { ok, results };
}

/** A resolver over the given DNS servers (`host` or `host:port`), else the system's. */
export function dnsResolver(servers: readonly string[] | undefined): DNSResolver {
  if (!servers || servers.length === 0) return (name, rrtype) => dns.resolve(name, rrtype) as Promise<string[][] | string[]>;
  const r = new dns.Resolver({ timeout: 3000, tries: 2 });
  r.setServers([...servers]);
  return (name, rrtype) => r.resolve(name, rrtype) as Promise<string[][] | string[]>;
}

/**
 * @example
 * const v = await verifySender(input, 'example.com', ['dkim', 'dmarc'], dnsResolver(undefined));
 * if (!v.ok) refuse();
 */
export async function verifySender(input: VerifyInput, fromDomain: string, checks: readonly VerifyCheck[], resolver: DNSResolver): Promise<VerifyVerdict> {
  if (checks.length === 0) return { ok: true, results: [] };
  const res = await authenticate(input.raw, {
    ip: input.ip,
    helo: input.helo,
    sender: input.sender,
    mta: input.mta,
    resolver,
    disableArc: true,
    disableBimi: true,
  });
  return judgeAuthentication(res, fromDomain, checks);
}
