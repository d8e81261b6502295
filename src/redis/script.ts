/**
 * The one way Switchboard runs a Lua script: {@link defineScript} names the script and every key it
 * touches (a script never builds a key name itself, so it keeps working under Redis Cluster hash
 * tags), registers it once per connection (ioredis `defineCommand`: EVALSHA, falling back to EVAL),
 * and calls it with the keys by name.
 */
import type { Redis } from 'ioredis';

type Arg = string | number | Buffer;

export interface Script<K extends string, A extends readonly Arg[], R> {
  readonly name: string;
  /** the keys the script touches, in KEYS order */
  readonly keys: readonly K[];
  run(redis: Redis, keys: { readonly [P in K]: string }, ...args: A): Promise<R>;
  /**
   * Queues the script on `tx`, a pipeline or MULTI made from `redis` (BullMQ's wrapped ones too);
   * its reply is its entry in `tx.exec()`'s results.
   */
  queue(redis: Redis, tx: object, keys: { readonly [P in K]: string }, ...args: A): void;
}

/** A script whose keys are a list of one kind (one set per day...): KEYS is that list. */
export interface ScriptOverKeys<A extends readonly Arg[], R> {
  readonly name: string;
  run(redis: Redis, keys: readonly string[], ...args: A): Promise<R>;
}

type Registered = Record<string, ((...args: Arg[]) => Promise<unknown>) | undefined>;

function register(redis: Redis, name: string, lua: string, numberOfKeys?: number): (...args: Arg[]) => Promise<unknown> {
  const r = redis as unknown as Registered;
  if (!r[name]) redis.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys });
  return r[name]!.bind(redis);
}

/**
 * @example
 * const claim = defineScript<'key', [hash: string, ttl: number], number>({ name: 'sbIdemClaim', keys: ['key'], lua: CLAIM });
 * await claim.run(redis, { key: '{sb}:api-idem:…' }, hash, 86_400);
 */
export function defineScript<const K extends string, A extends readonly Arg[], R>(def: { name: string; keys: readonly K[]; lua: string }): Script<K, A, R> {
  return {
    name: def.name,
    keys: def.keys,
    async run(redis, keys, ...args) {
      const call = register(redis, def.name, def.lua, def.keys.length);
      return (await call(...def.keys.map((k) => keys[k]), ...args)) as R;
    },
    queue(redis, tx, keys, ...args) {
      register(redis, def.name, def.lua, def.keys.length);
      // the connection's own script function, called on the transaction: ioredis sends it there
      (redis as unknown as Record<string, (...a: Arg[]) => unknown>)[def.name]!.apply(tx, [...def.keys.map((k) => keys[k]), ...args]);
    },
  };
}

/**
 * @example
 * const seen = defineScriptOverKeys<[member: string], number>({ name: 'sbSeenIds', lua: SEEN });
 * await seen.run(redis, ['{sb}:seen:sms:20000', '{sb}:seen:sms:19999'], member);
 */
export function defineScriptOverKeys<A extends readonly Arg[], R>(def: { name: string; lua: string }): ScriptOverKeys<A, R> {
  return {
    name: def.name,
    async run(redis, keys, ...args) {
      const call = register(redis, def.name, def.lua);
      return (await call(keys.length, ...keys, ...args)) as R;
    },
  };
}
