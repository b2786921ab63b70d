import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPools } from '../ai/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant } from '../support/tenants.js';
import { api, type Api, configure, drain, runNow, seedKeywords } from './support.js';

interface SseEvent {
  id: number;
  event: string;
  data: Record<string, unknown>;
}

/** Reads a whole event stream with fetch (the server ends it once the run has ended). */
async function readStream(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; type: string; events: SseEvent[] }> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  const events = text
    .split('\n\n')
    .filter((block) => block.startsWith('id:'))
    .map((block) => {
      const fields = Object.fromEntries(
        block
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
      );
      return {
        id: Number(fields.id),
        event: fields.event,
        data: JSON.parse(fields.data) as Record<string, unknown>,
      };
    });
  return { status: response.status, type: response.headers.get('content-type') ?? '', events };
}

describe('automation/runs/{run_id}/events/ (Server-Sent Events over real HTTP)', () => {
  let t: TestApp;
  let call: Api;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp({ redis: false, env: { AI_PROVIDER: 'offline' } });
    call = api(t);
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}/api/v1`;
  });

  afterAll(() => t.close());

  it(
    'streams the status, stage and item events in order, and resumes after Last-Event-ID',
    { timeout: 120_000 },
    async () => {
      const tenant = await seedTenant(t.app);
      await setPools(t, tenant, 100_000);
      await configure(call, tenant, true);
      await seedKeywords(call, tenant, t, 1);
      const { run_id } = await runNow(call, tenant);
      const url = `${base}/automation/runs/${run_id}/events/`;
      // Connected while the run goes on; the stream ends by itself once the run has completed.
      const live = readStream(url, tenant.users.viewer.auth);
      await drain(t);
      const all = await live;
      expect(all.status).toBe(200);
      expect(all.type).toMatch(/^text\/event-stream/);
      const ids = all.events.map((e) => e.id);
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
      expect(all.events[0]).toMatchObject({ event: 'status', data: { status: 'running', stage: 1 } });
      expect(all.events.at(-1)).toMatchObject({ event: 'status', data: { status: 'completed', stage: 7 } });
      const stageStarts = all.events
        .filter((e) => e.event === 'stage' && e.data.status === 'running')
        .map((e) => e.data.stage);
      expect(stageStarts).toEqual([1, 2, 3, 4, 5, 6, 7]);
      const items = all.events.filter((e) => e.event === 'item');
      expect(items.length).toBeGreaterThan(3);
      expect(items[0].data).toMatchObject({
        stage: 1,
        processed: expect.any(Number),
        total: expect.any(Number),
      });

      const middle = Math.floor(ids.length / 2);
      const resumed = await readStream(url, { ...tenant.users.viewer.auth, 'last-event-id': String(middle) });
      expect(resumed.events.map((e) => e.id)).toEqual(ids.slice(middle));
      expect(resumed.events).toEqual(all.events.slice(middle));

      const other = await seedTenant(t.app);
      const foreign = await fetch(url, { headers: other.users.owner.auth });
      expect(foreign.status).toBe(404);
      expect(
        (await fetch(url, { headers: { ...tenant.users.viewer.auth, 'last-event-id': 'x' } })).status,
      ).toBe(400);
    },
  );
});
