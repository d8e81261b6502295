#!/usr/bin/env node
// The container's HEALTHCHECK: GET /healthz on the port and host switchboard.yaml configures
// (`server.port`, `server.host`, `${VAR:-default}` expanded from the environment), so a config that
// moves the port keeps a healthy container. Exit 0 when it answers 2xx, else 1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { importCode } from './code.js';

// dist/ when built and current, else src/ through tsx (bin/code.js)
const { expandEnv } = await importCode('config/env');

const value = (v, fallback) => {
  if (v === undefined || v === null) return fallback;
  const e = expandEnv(String(v), process.env);
  return e.ok && e.value !== '' ? e.value : fallback;
};

try {
  const dir = process.env.SWITCHBOARD_CONFIG || '.';
  const server = parse(readFileSync(join(dir, 'switchboard.yaml'), 'utf8'))?.server ?? {};
  const port = Number(value(server.port, '8080'));
  const configured = value(server.host, '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  // a wildcard address is reached through loopback
  const host = configured === '0.0.0.0' || configured === '::' || configured === '' ? '127.0.0.1' : configured;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`;
  const res = await fetch(url, { signal: AbortSignal.timeout(2500) });
  process.exit(res.ok ? 0 : 1);
} catch (e) {
  process.stderr.write(`healthcheck: ${e.message}\n`);
  process.exit(1);
}
