/** The one place the process environment is read; everything else receives it as a value. */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
