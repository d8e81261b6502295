/**
 * The fast way to read a config file. First the lite reader (yaml-lite.ts: the plain YAML nearly
 * every file is written in, about five times faster than js-yaml) for a file with no `$`; then, for
 * what it leaves and for files where `${VAR}` may need expanding, `js-yaml` (several times faster
 * than `yaml`, and it keeps no nodes or positions), under a schema that reads scalars exactly as `yaml`'s YAML 1.2 core schema
 * does. It answers only for the plain files that make up nearly every config (a mapping; no tags,
 * anchors, merge keys, directives, tabs, complex or null keys; no `$` to expand); for anything
 * else, and for any file it cannot read, it answers `undefined` and the caller parses with `yaml`,
 * whose errors and positions are the ones users see (yaml-source.ts). `yaml` still gives the
 * positions of a file that gets a diagnostic, parsed again on demand.
 *
 * test/unit/config/yaml-fast.test.ts compares both parsers on every fixture file and on tricky texts;
 * test/unit/config/yaml-lite.test.ts compares the lite reader with `yaml`, on random documents too.
 */
import jsYaml from 'js-yaml';
import { boolTest, floatDot, floatExp, floatNaN, intDec, intHex, intOct, liteYaml, nullTest } from './yaml-lite.ts';

const { FAILSAFE_SCHEMA, Type, load } = jsYaml;

let enabled = true;

/** Turns the fast reader off (every file parsed by `yaml`, as before it existed): for the aliases-load bench's baseline. */
export function setFastYaml(on: boolean): void {
  enabled = on;
}

// the scalar tests of `yaml`'s core schema (nullTest... floatDot) are yaml-lite.ts's, shared by both readers

/** set when the file being read holds a number JSON cannot carry (NaN, an infinity, -0): {@link fastYaml} then leaves it to `yaml` */
let unsafeNumber = false;

function json(n: number): number {
  if (!Number.isFinite(n) || Object.is(n, -0)) unsafeNumber = true;
  return n;
}

const nullType = new Type('tag:yaml.org,2002:null', { kind: 'scalar', resolve: (s: string) => nullTest.test(s), construct: () => null });

const boolType = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (s: string) => boolTest.test(s),
  construct: (s: string) => s[0] === 't' || s[0] === 'T',
});

const intType = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string) => intOct.test(s) || intDec.test(s) || intHex.test(s),
  construct: (s: string) => json(intOct.test(s) ? parseInt(s.slice(2), 8) : intHex.test(s) ? parseInt(s.slice(2), 16) : parseInt(s, 10)),
});

const floatType = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s: string) => floatNaN.test(s) || floatExp.test(s) || floatDot.test(s),
  construct: (s: string) =>
    json(
      floatNaN.test(s)
        ? s.slice(-3).toLowerCase() === 'nan'
          ? Number.NaN
          : s[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY
        : parseFloat(s),
    ),
});

const schema = FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType] });

/**
 * What only `yaml` reads the way users were told: a merge key, a directive, a tab, an explicit
 * (`? `) key. Seen anywhere in the text, even inside a string: such a file just takes the slower path.
 */
const onlyYaml = /<<|^%|\t|(?:^|\s)\?(?:\s|$)/m;

/**
 * Whether the file holds no tag or anchor where a node starts, and its flow content is what both
 * parsers read alike: a quoted scalar may
 * go on over lines indented deeper than its key or `-` (js-yaml takes any indentation, `yaml`
 * refuses some), a flow collection must end on its line, hold no other collection and not be a
 * key (js-yaml writes a collection key, `{{x}}` read as a mapping, its own way). Lines of block scalars (`|`,
 * `>`) are skipped. Conservative: a false answer only means the file is read by `yaml`.
 */
function flowsFit(text: string): boolean {
  /** block scalar lines are indented deeper than this (-1: not in one) */
  let block = -1;
  /** the quote of a quoted scalar still open at the end of the last line, and the indentation its lines must pass */
  let quote = '';
  let need = 0;
  /** the last line ended with `:`, `-` or `?`: this one may start a node */
  let opens = true;
  // one line at a time, by index (no line strings: this runs over every file)
  for (let from = 0; from <= text.length; ) {
    const nl = text.indexOf('\n', from);
    const next = nl < 0 ? text.length + 1 : nl + 1;
    let end = nl < 0 ? text.length : nl;
    if (end > from && text[end - 1] === '\r') end--;
    let i = from;
    while (i < end && (text[i] === ' ' || text[i] === '\ufeff')) i++;
    const indent = i - from;
    if (i === end || (block >= 0 && indent > block)) {
      from = next;
      continue;
    }
    block = -1;
    let start = opens;
    let owner = indent;
    let depth = 0;
    if (quote) {
      if (indent <= need) return false;
      const close = closeQuote(text, quote, i, end);
      if (close < 0) {
        from = next;
        continue;
      }
      quote = '';
      i = close + 1;
      start = false;
    }
    for (; i < end; i++) {
      const ch = text[i];
      if (ch === ' ') continue;
      if (ch === '#' && (i === from || text[i - 1] === ' ')) break;
      // `- ` and `? ` only where a node starts (inside a plain scalar they are text), `: ` anywhere
      const indicator = (ch === ':' || (start && (ch === '-' || ch === '?'))) && (i + 1 === end || text[i + 1] === ' ');
      if (indicator) {
        start = true;
        if (ch !== ':') owner = i - from;
        continue;
      }
      if (start && (ch === '"' || ch === "'")) {
        const close = closeQuote(text, ch, i + 1, end);
        if (close < 0) {
          if (depth > 0) return false;
          quote = ch;
          need = owner;
          break;
        }
        i = close;
        start = false;
        continue;
      }
      if (start && depth === 0 && (ch === '|' || ch === '>')) {
        block = owner;
        break;
      }
      if (ch === '[' || ch === '{') {
        if (start && depth > 0) return false;
        if (!start && depth === 0) continue;
        depth++;
        continue;
      }
      if (ch === ']' || ch === '}') {
        // a collection as a key (`[a]: b`, `{{x}}: y`; in a flow, `{a}:b` too)
        let j = i + 1;
        while (j < end && text[j] === ' ') j++;
        if (text[j] === ':' && j < end && (depth > 0 || j + 1 === end || text[j + 1] === ' ')) return false;
        if (depth > 0) {
          depth--;
          start = false;
          continue;
        }
      }
      // a tag or an anchor (anchors make aliases and merges)
      if ((start || i - from === indent) && (ch === '!' || (ch === '&' && i + 1 < end && text[i + 1] !== ' '))) return false;
      if (ch === ',' && depth > 0) {
        start = true;
        continue;
      }
      if (start && depth === 0) owner = i - from;
      start = false;
    }
    if (depth > 0) return false;
    let last = end;
    while (last > from && text[last - 1] === ' ') last--;
    const tail = text[last - 1];
    opens = !quote && (tail === ':' || ((tail === '-' || tail === '?') && (last - 1 === from || text[last - 2] === ' ')));
    from = next;
  }
  return quote === '';
}

/** The index of the `q` closing a quoted scalar, looking from `from` up to `end`, or -1 when the line ends first. */
function closeQuote(text: string, q: string, from: number, end: number): number {
  for (let j = from; j < end; j++) {
    if (q === '"' && text[j] === '\\') j++;
    else if (text[j] === q) {
      if (q === "'" && text[j + 1] === "'" && j + 1 < end) j++;
      else return j;
    }
  }
  return -1;
}

/** What `${VAR}` expansion (env.ts) can change: `$$` or `${`; a lone `$` (a regex's end) stays as written. Looked for in the JSON text (keys too: a key with one just takes the slower path). */
const expandable = /\$[{$]/;

/**
 * A key `yaml` reads otherwise (a null key: `yaml` makes it `""` where js-yaml writes `"null"`), or
 * `__proto__`, as it appears in the JSON text. Only a key is followed by `:` right after its closing
 * quote; a match inside a string (an escaped `"` before it) only sends the file to `yaml`.
 */
const oddKey = /"(?:~|null|Null|NULL|__proto__)?":/;

/**
 * The file's data when the fast reader may answer for it, else `undefined` (parse it with `yaml`).
 * `expand` decides from the data whether `${VAR}` would be expanded (then a `$` means `yaml`).
 *
 * @example
 * fastYaml('name: restart\nformats: [restart {{x}}]\n') // { name: 'restart', formats: ['restart {{x}}'] }
 * fastYaml('base: &b {a: 1}\n') // undefined: anchors are read by `yaml`
 */
export function fastYaml(text: string, expand: (data: unknown) => boolean = () => true): Record<string, unknown> | undefined {
  if (!enabled) return undefined;
  // most files are plain enough for the lite reader (yaml-lite.ts), several times faster; a `$`
  // may be expanded, which is decided below from js-yaml's data
  if (!text.includes('$')) {
    const data = liteYaml(text);
    if (data !== undefined) return data;
  }
  if (onlyYaml.test(text) || !flowsFit(text)) return undefined;
  let data: unknown;
  unsafeNumber = false;
  try {
    data = load(text, { schema });
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || unsafeNumber) return undefined;
  // the data again through JSON: fresh, flat strings (a value js-yaml cut out of the text is a slice
  // that keeps the whole text alive: the texts of 20,000 files, 12 MB, for as long as the config is)
  // and compact objects, for about a quarter of what copying each string by hand cost; the checks
  // below read the JSON text instead of walking the data
  const text2 = JSON.stringify(data);
  if (oddKey.test(text2)) return undefined;
  if (expandable.test(text2) && expand(data)) return undefined;
  return JSON.parse(text2) as Record<string, unknown>;
}
