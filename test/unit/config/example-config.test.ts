import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadConfig } from '../../../src/config/index.ts';

const repoRoot = join(import.meta.dirname, '../../..');

describe('the example config at the repository root', () => {
  it('loads with no error and no warning, with no environment set', async () => {
    const { config, diagnostics } = await loadConfig(repoRoot, { env: {} });
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(config?.aliases.length).toBeGreaterThan(0);
  });
});
