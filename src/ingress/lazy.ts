/**
 * The HTTP ingresses of providers a config has no channel of. Their runtimes stay unloaded (their
 * SDKs never imported) until a request under `/ingress` arrives that none of the mounted ingresses
 * answers; then the other providers' runtimes are loaded (once per process) and the request goes to
 * their routes, so every `/ingress` path answers exactly as when every provider was mounted (a
 * disabled provider still says why it refuses). A path no provider has gets the app's 404.
 */
import { type Context, Hono } from 'hono';
import { loadProviderRuntimes, providerHttpIngresses } from '../providers/runtimes.ts';
import type { HttpIngress, IngressDeps } from './ingress.ts';

/**
 * A handler for `app.all('/ingress/*', ...)`, after the `mounted` ingresses' routes.
 *
 * @example
 * for (const ingress of mounted) app.route('/ingress', ingress.routes(deps));
 * app.all('/ingress/*', unmountedIngresses(mounted, deps));
 */
export function unmountedIngresses(mounted: readonly HttpIngress[], deps: IngressDeps): (c: Context) => Promise<Response> {
  const unmatched = new WeakSet<Response>();
  let rest: Promise<Hono> | undefined;
  const build = async () => {
    await loadProviderRuntimes();
    const app = new Hono();
    app.notFound(() => {
      const res = new Response(null, { status: 404 });
      unmatched.add(res);
      return res;
    });
    // errors go to the outer app's handler, as they did when these routes were mounted on it
    app.onError((err) => {
      throw err;
    });
    for (const ingress of providerHttpIngresses) if (!mounted.includes(ingress)) app.route('/ingress', ingress.routes(deps));
    return app;
  };
  return async (c) => {
    if (!rest) {
      rest = build();
      rest.catch(() => (rest = undefined));
    }
    const res = await (await rest).fetch(c.req.raw, c.env);
    return unmatched.has(res) ? c.notFound() : res;
  };
}
