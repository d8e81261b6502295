/**
 * Imports a module a user wrote (a `module` action's file) by path. A TypeScript file (`.ts`, `.mts`,
 * `.cts`, `.tsx`) needs a loader: when Switchboard itself runs from TypeScript (tsx in development,
 * vitest in the tests) that loader is already there; compiled code (dist/, what production runs)
 * registers tsx's loader on the first such import, so a deployment without TypeScript actions never
 * pays for it (tsx's hooks run in a thread of their own: about 20 MB).
 */
import { pathToFileURL } from 'node:url';

const TYPESCRIPT = /\.(?:[mc]?ts|tsx)$/i;
/** this file ends in .ts when the sources run through a TypeScript loader */
const loaderPresent = import.meta.url.endsWith('.ts');
let registered: Promise<void> | undefined;

function registerTypeScript(): Promise<void> {
  registered ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return registered;
}

export async function importUserModule(path: string): Promise<Record<string, unknown>> {
  if (!loaderPresent && TYPESCRIPT.test(path)) await registerTypeScript();
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}
