// The Inngest SDK (the official client) sends events to mohalla serve, set up
// only through INNGEST_BASE_URL and INNGEST_EVENT_KEY: they land in our event
// log once per id and run the function that follows them once each.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Inngest } from 'inngest';
import { startServer, waitFor } from './server.mjs';

let server, inngest;

before(async () => {
  server = await startServer();
  process.env.INNGEST_BASE_URL = server.url;
  process.env.INNGEST_EVENT_KEY = await server.makeKey('service');
  inngest = new Inngest({ id: 'mohalla-compat-test', isDev: false });
});

after(async () => {
  await server?.stop();
});

// The one function of the demo that follows an event clients send.
const fn = 'analytics-product-viewed';
const run = Date.now().toString(36);

// runsOf waits until the function's runs for event id have all finished,
// and returns them.
async function runsOf(id) {
  return waitFor(`${fn}'s run for ${id}`, async () => {
    const page = await server.api(`/v1/runs?function=${fn}&event=${id}`);
    return page.items.length > 0 && page.items.every((r) => r.status === 'completed') && page.items;
  });
}

async function logged(id) {
  const page = await server.api('/v1/events?name=product/viewed&limit=1000');
  return page.items.filter((e) => e.id === id);
}

describe('inngest.send against mohalla', () => {
  const one = `view-${run}-1`;
  const batch = [2, 3, 4].map((n) => `view-${run}-${n}`);

  test('one event', async () => {
    const res = await inngest.send({ id: one, name: 'product/viewed', data: { productId: 'demo-product-00001', userId: 'demo-user-0001' } });
    assert.deepEqual(res.ids, [one]);
  });

  test('a batch', async () => {
    const res = await inngest.send(batch.map((id, i) => ({
      id, name: 'product/viewed', data: { productId: `demo-product-0000${i + 2}` }, v: '2024-01-01.1',
    })));
    assert.deepEqual(res.ids, batch);
  });

  test('a duplicate id is stored once', async () => {
    const res = await inngest.send({ id: one, name: 'product/viewed', data: { productId: 'demo-product-00001' } });
    assert.deepEqual(res.ids, [one]);
  });

  test('an event without an id gets one', async () => {
    const res = await inngest.send({ name: 'cart/viewed', data: { userId: 'demo-user-0002' } });
    assert.equal(res.ids.length, 1);
    assert.match(res.ids[0], /^[0-9A-Z]{26}$/, 'a ULID');
  });

  test('a reserved name is refused', async () => {
    await assert.rejects(inngest.send({ name: 'order/created', data: { orderId: 'forged' } }), /order\/created/);
    const page = await server.api('/v1/events?name=order/created&limit=1000');
    assert.ok(!page.items.some((e) => e.data.orderId === 'forged'), 'nothing of a refused send is kept');
  });

  test('the log holds each event once and the function ran once for each', async () => {
    for (const id of [one, ...batch]) {
      const evs = await waitFor(`${id} in the log`, async () => {
        const evs = await logged(id);
        return evs.length > 0 && evs;
      });
      assert.equal(evs.length, 1, `${id} is logged once`);
      assert.equal(evs[0].user.role, 'service');
      const runs = await runsOf(id);
      assert.equal(runs.length, 1, `${fn} ran once for ${id}`);
    }
    const [ev] = await logged(batch[0]);
    assert.equal(ev.v, '2024-01-01.1');
  });
});
