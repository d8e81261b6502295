/**
 * An in-memory ExecutionService for the API's unit tests: the same contract as the Redis one
 * (idempotency, newest first, cursor, cancel), no worker. Integration tests use the real one.
 */
import { NotFoundError } from '../../../src/errors.ts';
import type { ExecutionRecord, ExecutionService, ListQuery, NewExecution } from '../../../src/executions/types.ts';

export interface MemoryExecutions extends ExecutionService {
  records: ExecutionRecord[];
  /** what `ping` answers */
  up: boolean;
}

export function createMemoryExecutions(): MemoryExecutions {
  const records: ExecutionRecord[] = [];
  const byKey = new Map<string, ExecutionRecord>();
  let seq = 0;
  const service: MemoryExecutions = {
    records,
    up: true,
    async submit(input: NewExecution) {
      const seen = input.idempotencyKey !== undefined ? byKey.get(input.idempotencyKey) : undefined;
      if (seen) return { execution: seen, created: false };
      seq += 1;
      const rec: ExecutionRecord = {
        id: `ex${String(seq).padStart(6, '0')}`,
        status: 'queued',
        action: input.action,
        params: input.params,
        created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
        attempts: 0,
        deliveries: [],
        ...(input.alias !== undefined && { alias: input.alias }),
        ...(input.user !== undefined && { user: input.user }),
        ...(input.origin !== undefined && { origin: input.origin }),
        ...(input.text !== undefined && { text: input.text }),
      };
      records.push(rec);
      if (input.idempotencyKey !== undefined) byKey.set(input.idempotencyKey, rec);
      return { execution: rec, created: true };
    },
    async get(id) {
      return records.find((r) => r.id === id);
    },
    async list(query: ListQuery = {}) {
      const limit = query.limit ?? 50;
      const newest = [...records].reverse().filter((r) => (!query.status || r.status === query.status) && (query.user === undefined || r.user === query.user));
      const start = query.cursor ? newest.findIndex((r) => r.id === query.cursor) + 1 : 0;
      const items = newest.slice(start, start + limit);
      const last = items[items.length - 1];
      return start + limit < newest.length && last ? { items, next_cursor: last.id } : { items };
    },
    async cancel(id) {
      const rec = records.find((r) => r.id === id);
      if (!rec) throw new NotFoundError(`no execution ${id}`);
      if (rec.status === 'queued' || rec.status === 'running') {
        rec.status = 'canceled';
        rec.finished_at = new Date().toISOString();
      }
      return rec;
    },
    async ping() {
      return service.up;
    },
    async close() {},
  };
  return service;
}
