#!/usr/bin/env node
// The `switchboard` command: runs the compiled code in dist/ (`npm run build`) while it is current,
// else the TypeScript sources through tsx's loader (bin/code.js; SWITCHBOARD_CODE=src|dist forces one).
import { importCode } from './code.js';

let runCli;
try {
  ({ runCli } = await importCode('cli/index'));
} catch (e) {
  if (e.code !== 'ERR_SWITCHBOARD_CODE') throw e;
  process.stderr.write(`switchboard: ${e.message}\n`);
  process.exit(1);
}
process.exitCode = await runCli(process.argv.slice(2));
