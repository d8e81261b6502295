/**
 * Is an inbound mail really from the address in its From header? Two sources of an answer:
 *
 * - the SMTP listener and raw MIME forwarded by a provider: mailauth (DKIM, SPF, DMARC), each
 *   check listed in `listen.verify` required (default `[dmarc]`), each only *for the From domain*
 *   (aligned), and mailauth's own reading of the From header must be the one address that
 *   identified the user (see email-sender.ts);
 * - a provider's parsed post: the provider's own SPF/DKIM verdicts ({@link ProviderAuth}), a pass
 *   counting only when its domain aligns with the From domain (what DMARC asks).
 *
 * The answer is a {@link SenderProof}: `verified` or `unverified` (docs/contracts.md section 6).
 */
import { promises as dns } from 'node:dns';
import { authenticate, type AuthenticateResult, type DNSResolver } from 'mailauth';
import type { SenderProof } from '../../executions/types.ts';
import { domainOf, type HeaderFrom } from './sender.ts';

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
export function judgeAuthentication(
  res: Pick<AuthenticateResult, 'dkim' | 'spf' | 'dmarc'>,
  fromDomain: string,
  checks: readonly VerifyCheck[],
): VerifyVerdict {
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
      // DMARC's own From domain (its organizational domain) must be the identity's
      const dmarc = res.dmarc;
      pass = !!dmarc && dmarc.status.result === 'pass' && alignedDomains(dmarc.domain ?? '', fromDomain);
      result = dmarc ? `${dmarc.status.result}${dmarc.domain ? `(${dmarc.domain})` : ''}` : 'none';
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

/** How sure a check is of a sender, with one `check=result` entry per check for the log. */
export interface SenderCheck {
  proof: SenderProof;
  results: string[];
}

/**
 * The proof of a raw message's sender. `from` is the header From read by email-sender.ts; an
 * ambiguous one is never verified. With no checks listed (`verify: []`, warned about at load) the
 * listener trusts the From as it is (an MTA in front of it is expected to have checked it).
 *
 * @example
 * const c = await authenticateMail(input, headerFromRaw(raw), ['dmarc'], resolver);
 * c.proof // 'verified' | 'unverified'
 */
export async function authenticateMail(input: VerifyInput, from: HeaderFrom, checks: readonly VerifyCheck[], resolver: DNSResolver): Promise<SenderCheck> {
  if (from.ambiguous) return { proof: 'unverified', results: [`from=ambiguous(${from.reason ?? ''})`] };
  if (checks.length === 0) return { proof: 'verified', results: ['verify=off'] };
  const res = await authenticate(input.raw, {
    ip: input.ip,
    helo: input.helo,
    sender: input.sender,
    mta: input.mta,
    resolver,
    disableArc: true,
    disableBimi: true,
  });
  // the From mailauth evaluated must be the very address that identified the user
  const seen = (res.dkim?.headerFrom ?? []).map((a) => a.toLowerCase());
  if (seen.length !== 1 || seen[0] !== from.address) return { proof: 'unverified', results: [`from=mismatch`] };
  const verdict = judgeAuthentication(res, domainOf(from.address), checks);
  return { proof: verdict.ok ? 'verified' : 'unverified', results: verdict.results };
}

/** One pass reported by a provider: the method and the domain(s) it passed for. */
export interface ProviderPass {
  method: 'spf' | 'dkim' | 'dmarc';
  /** the pass is for one of these domains (not said which): it counts only when every one aligns */
  domains: string[];
}

/** What a provider's post says about the sender's authentication (email-providers.ts). */
export interface ProviderAuth {
  passes: ProviderPass[];
  /** `method=result(domain)` entries, for the log */
  results: string[];
}

/**
 * The proof from a provider's verdicts (pure): `verified` when one of them passed for a domain
 * aligned with the From domain (the DMARC rule: aligned SPF or aligned DKIM).
 *
 * @example
 * judgeProviderAuth({ passes: [{ method: 'spf', domains: ['example.com'] }], results: [] }, from) // { proof: 'verified', ... }
 */
export function judgeProviderAuth(auth: ProviderAuth, from: HeaderFrom): SenderCheck {
  if (from.ambiguous) return { proof: 'unverified', results: [`from=ambiguous(${from.reason ?? ''})`, ...auth.results] };
  const fromDomain = domainOf(from.address);
  const aligned = auth.passes.some((p) => p.domains.length > 0 && p.domains.every((d) => alignedDomains(d, fromDomain)));
  return { proof: aligned ? 'verified' : 'unverified', results: auth.results };
}
