/**
 * Keeps `String.prototype` in V8's fast mode. Loading nunjucks (its runtime's `SafeString` is
 * `Object.create(String.prototype, …)`) turns it into a slow, dictionary-mode object, and loading
 * ioredis does too; optimized code then finds every string method (`s.charCodeAt`, `s.slice`,
 * `s.indexOf`…) through a generic lookup instead of a constant. Measured with callgrind: reading
 * 20,000 YAML files took 8.6 G instructions with nunjucks loaded against 5.5 G without, 2.8 G of them
 * in that lookup; a cold load of 10,000 aliases spent 140-200 ms more CPU. V8 makes such a prototype
 * fast again the first time a property is looked up, with feedback, through an object that inherits
 * from it, and then keeps it fast (later `Object.create(String.prototype)` no longer slows it): this
 * does that lookup. It costs a hundred property reads, and nothing when the prototype is fast already.
 */

/** An object whose only job is to inherit from String.prototype (read through below). */
const probe: { missing?: unknown } = Object.create(String.prototype);

function read(o: { missing?: unknown }): unknown {
  return o.missing;
}

/** Makes `String.prototype` fast again if a library left it slow (see the module's comment). */
export function keepStringMethodsFast(): void {
  // enough reads for V8 to give `read` its feedback (its property lookups before that do not count)
  for (let i = 0; i < 100; i++) read(probe);
}
