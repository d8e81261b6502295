/** Types of bin/code.js (which code bin/switchboard.js runs: dist/ or src/). */
export function chooseCode(env?: Record<string, string | undefined>): 'src' | 'dist';
export function importCode(rel: string, env?: Record<string, string | undefined>): Promise<Record<string, unknown>>;
