/** One in-process service + worker per test, on a fresh prefix, torn down after it. */
import type { ActionConfig, Config } from '../../../src/config/types.ts';
import { silentLogger } from '../../../src/log.ts';
import { createExecutionService } from '../../../src/executions/service.ts';
import { startExecutionWorker, type ExecutionWorker, type ExecutionWorkerOptions } from '../../../src/executions/worker.ts';
import type { ExecutionRecord, ExecutionService } from '../../../src/executions/types.ts';
import { cleanupPrefix, makeConfig, uniquePrefix, type TestConfigOptions } from './helpers.ts';

export interface Harness {
  prefix: string;
  config: Config;
  service: ExecutionService;
  worker?: ExecutionWorker;
  terminal: ExecutionRecord[];
  startWorker(extra?: Partial<ExecutionWorkerOptions>): Promise<ExecutionWorker>;
  close(): Promise<void>;
}

export function harness(actions: ActionConfig[], o: Partial<TestConfigOptions> = {}): Harness {
  const prefix = uniquePrefix();
  const config = makeConfig({ prefix, actions, ...o });
  const service = createExecutionService({ config, logger: silentLogger });
  const workers: ExecutionWorker[] = [];
  const h: Harness = {
    prefix,
    config,
    service,
    terminal: [],
    async startWorker(extra = {}) {
      const w = await startExecutionWorker({
        config,
        logger: silentLogger,
        env: { PATH: process.env.PATH },
        hooks: { onTerminal: async (e) => void h.terminal.push(e) },
        killGraceSeconds: 1,
        ...extra,
      });
      workers.push(w);
      h.worker = w;
      return w;
    },
    async close() {
      for (const w of workers) await w.close(1);
      await service.close();
      await cleanupPrefix(prefix);
    },
  };
  return h;
}
