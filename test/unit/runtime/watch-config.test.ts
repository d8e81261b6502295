import { describe, expect, it } from 'vitest';
import { isConfigPath } from '../../../src/runtime/watch-config.ts';

describe('isConfigPath', () => {
  it.each([
    ['switchboard.yaml', true],
    ['switchboard.yml', true],
    ['aliases', true],
    ['aliases/ops', true],
    ['aliases/ops/restart.yaml', true],
    ['channels/slack.yml', true],
    ['rules/all.yaml', true],
    ['outbox/deliveries.jsonl', false],
    ['.switchboard/redis/appendonly.aof', false],
    ['aliases/ops/.restart.yaml.swp', false],
    ['aliases/ops/restart.yaml~', false],
    ['actions/notes.txt', false],
    ['README.md', false],
  ])('%s -> %s', (path, relevant) => {
    expect(isConfigPath(path)).toBe(relevant);
  });
});
