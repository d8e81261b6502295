/**
 * The SMS compliance keywords (docs/providers/twilio.md, "STOP, START and HELP") and the `help [filter] [page]` command. A keyword
 * counts only when it is the whole body (case-insensitive, blanks and trailing punctuation
 * ignored), as carriers and Twilio apply them. Pure.
 */

export type SmsKeyword = 'opt_out' | 'opt_in' | 'help';

const keywords: Record<string, SmsKeyword> = {
  STOP: 'opt_out',
  STOPALL: 'opt_out',
  UNSUBSCRIBE: 'opt_out',
  CANCEL: 'opt_out',
  END: 'opt_out',
  QUIT: 'opt_out',
  REVOKE: 'opt_out',
  OPTOUT: 'opt_out',
  START: 'opt_in',
  YES: 'opt_in',
  UNSTOP: 'opt_in',
  HELP: 'help',
  INFO: 'help',
};

/**
 * @example
 * smsKeyword(' Stop ') // 'opt_out'
 * smsKeyword('stop web') // undefined (a command, not the keyword)
 */
export function smsKeyword(body: string): SmsKeyword | undefined {
  const word = body
    .trim()
    .replace(/[.!]+$/, '')
    .toUpperCase();
  return Object.hasOwn(keywords, word) ? keywords[word] : undefined;
}

export interface HelpRequest {
  filter?: string;
  page: number;
}

/**
 * `help`, `help 2`, `help deploy`, `help deploy 2`: the help command as the SMS ingress answers it
 * (synchronously, paged for SMS). `undefined` when the body is not a help request. (`INFO` alone
 * is the keyword; `info web` may be someone's command.)
 *
 * @example
 * parseHelpRequest('help 2') // { page: 2 }
 * parseHelpRequest('HELP restart') // { filter: 'restart', page: 1 }
 */
export function parseHelpRequest(body: string): HelpRequest | undefined {
  const m = /^\s*help(?:\s+(.*?))?\s*$/is.exec(body);
  if (!m) return undefined;
  const rest = (m[1] ?? '').trim();
  const pm = /^(?:(.*?)\s+)?(\d{1,4})$/s.exec(rest);
  const filter = (pm ? (pm[1] ?? '') : rest).trim();
  const page = pm ? Number(pm[2]) : 1;
  return { ...(filter !== '' && { filter }), page: Math.max(1, page) };
}
