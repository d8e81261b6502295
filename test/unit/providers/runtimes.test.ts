/**
 * Provider runtimes load on demand (src/providers/runtimes.ts): a process imports the runtimes (and
 * SDKs) of its config's channel kinds only, in registry order whatever order they were asked in.
 */
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.ts';
import { silentLogger } from '../../../src/log.ts';
import { kindsOf, loadedProviders, loadProviderRuntimes, runtimeLoaded, unloadedKinds } from '../../../src/providers/runtimes.ts';
import { createSink, sinkDefinitions } from '../../../src/sinks/index.ts';
import { createMemorySinkState } from '../../../src/sinks/memory-state.ts';
import type { ChannelConfig } from '../../../src/config/schema.ts';

const deps = { logger: silentLogger, state: createMemorySinkState(), configDir: '/tmp' };

describe('loadProviderRuntimes', () => {
  it('loads only the kinds asked for, in registry order, each once', async () => {
    expect(loadedProviders).toEqual([]);
    await loadProviderRuntimes(['file', 'log', 'file']);
    expect(loadedProviders.map((p) => p.kind)).toEqual(['log', 'file']);
    expect(sinkDefinitions.map((d) => d.kind)).toEqual(['log', 'file']);
    expect(runtimeLoaded('sms')).toBe(false);
    expect(unloadedKinds()).toContain('slack');
    await loadProviderRuntimes(['log']);
    expect(loadedProviders.map((p) => p.kind)).toEqual(['log', 'file']);
  });

  it('refuses to build a sink of a known kind whose runtime is not loaded, saying what to do', () => {
    const sms = { name: 'text', kind: 'sms' } as unknown as ChannelConfig;
    expect(() => createSink(sms, deps)).toThrow(`the sms provider's runtime is not loaded (channel "text")`);
  });

  it('rejects an unknown kind, listing the known ones', async () => {
    await expect(loadProviderRuntimes(['pager'])).rejects.toThrow('unknown channel kind "pager"; known kinds: log, file, slack');
  });

  it("names the example config's kinds (log and file): no SDK of another provider is needed to serve it", async () => {
    const config = await loadConfigOrThrow(new URL('../../..', import.meta.url).pathname, { env: {}, overlaps: false });
    expect(kindsOf(config).sort()).toEqual(['file', 'log']);
  });
});
