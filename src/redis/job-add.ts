/**
 * A script of ours and a BullMQ job add in one script call. BullMQ builds its add as always
 * (`Job.addJob` on a catcher, {@link captureJobAdd}: the script name and arguments it would send,
 * caught instead of sent); then our script and BullMQ's own add script (its Lua text from BullMQ's
 * script set) run as two functions of one composed Lua script, each with its own KEYS and ARGV.
 * Redis runs a script atomically, so both are written or neither, in one command: the execution
 * submit (the record's create script and the job: it was a MULTI of four commands, and ioredis's
 * transaction machinery cost the gateway about a tenth of its CPU in `npm run bench -- e2e`).
 * When Redis has lost its scripts, ioredis's EVAL fallback sends the whole again, never one half
 * alone. (A delivery's enqueue, its fairness tag and ledger entry then its prioritized job, was
 * composed the same way, the priority written into the add's options in `between`: no gain
 * showed through the noise of bench e2e, so it was left as two calls.)
 *
 * The call: KEYS = ours, then the add's; ARGV = [our key count, the add's key count, our arg count,
 * ...our args, ...the add's args]. The reply: `{our reply, the add's reply}`. `between` is Lua run
 * after ours and before the add, with `first` (our reply) and `aa` (the add's ARGV) in scope.
 */
import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';

type Arg = string | number | Buffer;
type Call = (...args: Arg[]) => Promise<unknown>;

/** The composed script's Lua: `firstLua` and `addLua` as they are, each the body of a function. */
export function composeWithAdd(firstLua: string, addLua: string, between = ''): string {
  return `local nfk, nak, nfa = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local fk, ak, fa, aa = {}, {}, {}, {}
for i = 1, nfk do fk[i] = KEYS[i] end
for i = 1, nak do ak[i] = KEYS[nfk + i] end
for i = 1, nfa do fa[i] = ARGV[3 + i] end
for i = 4 + nfa, #ARGV do aa[#aa + 1] = ARGV[i] end
local first = (function(KEYS, ARGV)
${firstLua}
end)(fk, fa)
${between}
local added = (function(KEYS, ARGV)
${addLua}
end)(ak, aa)
return {first, added}
`;
}

/** BullMQ's add as it would have been sent: its script's name and flat list of keys and args. */
export interface CapturedAdd {
  name: string;
  args: (string | number | Buffer)[];
}

/**
 * The job add `job.addJob` would send, caught instead of sent: BullMQ builds its script's name and
 * arguments (keys, packed options, job data) and calls `runCommand` before its first await. `added`
 * settles as `addJob` does once `settle` is given the add's reply (BullMQ's own check of it: a
 * negative code is its error); `call` is undefined when BullMQ did not add that way.
 */
export function captureJobAdd(job: Job) {
  let call: CapturedAdd | undefined;
  let settle: { resolve(v: unknown): void; reject(e: unknown): void } | undefined;
  const catcher = {
    __bullmq_iredis: true,
    isCluster: false,
    runCommand(name: string, args: (string | number | Buffer)[]) {
      call = { name, args };
      return new Promise((resolve, reject) => (settle = { resolve, reject }));
    },
  };
  const added = job.addJob(catcher as unknown as Parameters<Job['addJob']>[0]);
  added.catch(() => undefined);
  const done = {
    resolve: (v: unknown) => settle?.resolve(v),
    reject: (e: unknown) => settle?.reject(e),
  };
  return { call: call as CapturedAdd | undefined, added, settle: done };
}

/** BullMQ's job-add scripts by name (`addStandardJob:6.7.0`...) from a connection BullMQ defined them on. */
export function jobAddScripts(bullmqConnection: Redis): Map<string, { lua: string; numberOfKeys: number }> {
  const adds = new Map<string, { lua: string; numberOfKeys: number }>();
  const set = (bullmqConnection as unknown as { scriptsSet?: Record<string, { lua: string; numberOfKeys: number | null }> }).scriptsSet ?? {};
  for (const [name, script] of Object.entries(set)) {
    if (/^add(Standard|Delayed|Prioritized|Parent)Job:/.test(name) && script.numberOfKeys !== null)
      adds.set(name, { lua: script.lua, numberOfKeys: script.numberOfKeys });
  }
  return adds;
}

/** per connection: `<our script's name> <BullMQ's add script name>` -> the composed command defined for them */
const defined = new WeakMap<Redis, Map<string, string>>();

function commandFor(redis: Redis, first: { name: string; lua: string; between?: string }, add: { name: string; lua: string }): string {
  let names = defined.get(redis);
  if (!names) defined.set(redis, (names = new Map()));
  const id = `${first.name} ${add.name}`;
  let name = names.get(id);
  if (!name) {
    const lua = composeWithAdd(first.lua, add.lua, first.between);
    name = `sbWithAdd_${createHash('sha1').update(lua).digest('hex').slice(0, 12)}`;
    redis.defineCommand(name, { lua });
    names.set(id, name);
  }
  return name;
}

/**
 * Runs our script `first` and BullMQ's add on `redis` as one script (defined on that connection once
 * per pair). `add.args` is the flat list BullMQ passes its script `add.name`: its `numberOfKeys`
 * keys, then its args.
 */
export async function runWithJobAdd(
  redis: Redis,
  first: { name: string; lua: string; between?: string; keys: readonly string[]; args: readonly Arg[] },
  add: { name: string; lua: string; numberOfKeys: number; args: readonly Arg[] },
): Promise<[unknown, unknown]> {
  const name = commandFor(redis, first, add);
  const addKeys = add.args.slice(0, add.numberOfKeys);
  const addArgs = add.args.slice(add.numberOfKeys);
  const call = (redis as unknown as Record<string, Call>)[name]!;
  return (await call.call(
    redis,
    first.keys.length + addKeys.length,
    ...first.keys,
    ...addKeys,
    first.keys.length,
    addKeys.length,
    first.args.length,
    ...first.args,
    ...addArgs,
  )) as [unknown, unknown];
}
