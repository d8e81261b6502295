/**
 * A submit in one script call: the record's create script and BullMQ's own job-add script (the Lua
 * text BullMQ defines for the add `Job.addJob` chose), each run as a function of its own KEYS and
 * ARGV inside one script. Redis runs a script atomically, so the record and its job are written
 * both or neither, as with the MULTI this replaces, at a quarter of the commands (MULTI, two
 * EVALSHAs and EXEC were four, and ioredis's transaction machinery cost the gateway about a tenth
 * of its CPU in `npm run bench -- e2e`); and when Redis has lost its scripts, ioredis's EVAL
 * fallback sends the whole of it again, never one half alone.
 *
 * The call: KEYS = the create's keys, then the add's; ARGV = [create key count, add key count,
 * create arg count, ...create args, ...add args]. The reply: `{create's reply, add's reply}`.
 * The add runs whatever the create answers, as in the MULTI (service.ts says what becomes of a
 * job whose record is not its own).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** The composed script's Lua: `createLua` and `addLua` as they are, each the body of a function. */
export function composeCreateAndAdd(createLua: string, addLua: string): string {
  return `local nck, nak, nca = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local ck, ak, ca, aa = {}, {}, {}, {}
for i = 1, nck do ck[i] = KEYS[i] end
for i = 1, nak do ak[i] = KEYS[nck + i] end
for i = 1, nca do ca[i] = ARGV[3 + i] end
for i = 4 + nca, #ARGV do aa[#aa + 1] = ARGV[i] end
local created = (function(KEYS, ARGV)
${createLua}
end)(ck, ca)
local added = (function(KEYS, ARGV)
${addLua}
end)(ak, aa)
return {created, added}
`;
}

type Arg = string | number | Buffer;
type Call = (...args: Arg[]) => Promise<unknown>;

/** per connection: BullMQ's add script name -> the name of the composed command defined for it */
const defined = new WeakMap<Redis, Map<string, string>>();

/** The command of the composed script for BullMQ's add script `add.name`, defined on `redis` the first time. */
function commandFor(redis: Redis, createLua: string, add: { name: string; lua: string }): string {
  let names = defined.get(redis);
  if (!names) defined.set(redis, (names = new Map()));
  let name = names.get(add.name);
  if (!name) {
    const lua = composeCreateAndAdd(createLua, add.lua);
    name = `sbSubmit_${createHash('sha1').update(lua).digest('hex').slice(0, 12)}`;
    redis.defineCommand(name, { lua });
    names.set(add.name, name);
  }
  return name;
}

/**
 * Runs the create and the add on `redis` as one script (defined on that connection once per add
 * script). `add.args` is the flat list BullMQ passes its script `add.name`: its `numberOfKeys`
 * keys, then its args.
 */
export async function runCreateAndAdd(
  redis: Redis,
  create: { lua: string; keys: readonly string[]; args: readonly Arg[] },
  add: { name: string; lua: string; numberOfKeys: number; args: readonly Arg[] },
): Promise<[unknown, unknown]> {
  const name = commandFor(redis, create.lua, add);
  const addKeys = add.args.slice(0, add.numberOfKeys);
  const addArgs = add.args.slice(add.numberOfKeys);
  const call = (redis as unknown as Record<string, Call>)[name]!;
  return (await call.call(
    redis,
    create.keys.length + addKeys.length,
    ...create.keys,
    ...addKeys,
    create.keys.length,
    addKeys.length,
    create.args.length,
    ...create.args,
    ...addArgs,
  )) as [unknown, unknown];
}
