/**
 * A real, separate worker process for tests: `node --import tsx worker-process.ts CONFIG.json`.
 * The JSON holds `dir`, `main`, `actions` (array) and optionally `hookFile` (each terminal
 * execution is appended there as one JSON line) and `concurrency`. Prints `ready` when it takes jobs;
 * SIGTERM closes it gracefully.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { ActionConfig, Config } from '../../../src/config/types.ts';
import { startExecutionWorker } from '../../../src/executions/worker.ts';
import { createLogger } from '../../../src/log.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: worker-process.ts CONFIG.json');
const raw = JSON.parse(readFileSync(file, 'utf8')) as {
  dir: string;
  main: Config['main'];
  actions: ActionConfig[];
  hookFile?: string;
  concurrency?: number;
};
const config: Config = {
  dir: raw.dir,
  main: raw.main,
  actions: new Map(raw.actions.map((a) => [a.ref, a])),
  aliases: [],
  channels: new Map(),
  rules: [],
  secrets: [],
};
const logger = createLogger({ level: 'warn', destination: process.stderr });
const worker = await startExecutionWorker({
  config,
  logger,
  env: process.env,
  concurrency: raw.concurrency,
  hooks: raw.hookFile
    ? { onTerminal: async (e) => appendFileSync(raw.hookFile!, `${JSON.stringify({ id: e.id, status: e.status, pid: process.pid })}\n`) }
    : undefined,
});
process.on('SIGTERM', () => {
  worker.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
process.stdout.write('ready\n');
