/**
 * A real, separate delivery worker process for the crash test:
 * `node --import tsx worker-process.ts ENV.json` loads the delivery fixture config with that
 * environment, starts a delivery worker and prints `ready`.
 */
import { readFileSync } from 'node:fs';
import { loadConfigOrThrow } from '../../../src/config/load.ts';
import { startDeliveryWorker } from '../../../src/deliveries/worker.ts';
import { createLogger } from '../../../src/log.ts';
import { FIXTURE } from './harness.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: worker-process.ts ENV.json');
const env = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
const config = await loadConfigOrThrow(FIXTURE, { env });
const logger = createLogger({ level: 'warn', secrets: config.secrets, destination: process.stderr });
const worker = await startDeliveryWorker({ config, logger });
process.on('SIGTERM', () => {
  worker.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
process.stdout.write('ready\n');
