// typesense-js (the official client) searches mohalla serve through its
// Typesense-compatible API, and finds what our own /v1/search/products finds
// for the same query: the same ids in the same order, the same counts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Typesense from 'typesense';
import { startServer } from './server.mjs';

let server, client, searchKey;

before(async () => {
  server = await startServer();
  searchKey = await server.makeKey('search');
  const u = new URL(server.url);
  client = new Typesense.Client({
    nodes: [{ host: u.hostname, port: Number(u.port), protocol: 'http', path: '/typesense' }],
    apiKey: searchKey,
    connectionTimeoutSeconds: 10,
    numRetries: 0,
  });
});

after(async () => {
  await server?.stop();
});

// ours runs the same search on /v1/search/products; cursor pages to page n.
async function ours(params, page = 1) {
  let res;
  let cursor = '';
  for (let p = 1; p <= page; p++) {
    const q = new URLSearchParams(params);
    if (cursor) q.set('cursor', cursor);
    res = await server.api(`/v1/search/products?${q}`);
    cursor = res.nextCursor;
  }
  return res;
}

const ids = (hits) => hits.map((h) => h.document?.id ?? h.id);

// same checks that Typesense's answer and ours agree, and found something.
function same(ts, v1) {
  assert.ok(v1.found > 0, 'the query finds something');
  assert.equal(ts.found, v1.found, 'found');
  assert.deepEqual(ids(ts.hits), ids(v1.hits), 'the same ids in the same order');
  assert.equal(ts.out_of, 1000);
}

describe('typesense-js against mohalla', () => {
  test('health and the collection schema', async () => {
    assert.deepEqual(await client.health.retrieve(), { ok: true });
    const schema = await client.collections('products').retrieve();
    assert.equal(schema.name, 'products');
    assert.equal(schema.num_documents, 1000);
    assert.ok(schema.fields.some((f) => f.name === 'category' && f.facet));
  });

  test('a typo', async () => {
    const ts = await client.collections('products').documents().search({ q: 'basmatti', query_by: 'name', per_page: 20 });
    same(ts, await ours({ q: 'basmatti', limit: 20 }));
    assert.match(ts.hits[0].document.name, /Basmati/);
    assert.match(ts.hits[0].highlight.name.snippet, /<mark>Basmati<\/mark>/);
    assert.ok(ts.hits[0].text_match > 0);
  });

  test('a prefix', async () => {
    const ts = await client.collections('products').documents().search({ q: 'amul bu', query_by: 'name', per_page: 20 });
    same(ts, await ours({ q: 'amul bu', limit: 20 }));
    assert.match(ts.hits[0].document.name, /Amul Butter/);
  });

  test('filtered', async () => {
    const ts = await client.collections('products').documents().search({
      q: 'rice', query_by: 'name', per_page: 50,
      filter_by: 'category:=staples && price:[20..300] && stock:>0',
    });
    same(ts, await ours({ q: 'rice', category: 'staples', minPrice: 20, maxPrice: 300, inStock: true, limit: 50 }));
    for (const h of ts.hits) {
      assert.equal(h.document.category, 'staples');
      assert.ok(h.document.price >= 20 && h.document.price <= 300 && h.document.stock > 0);
    }
  });

  test('faceted', async () => {
    const ts = await client.collections('products').documents().search({
      q: 'milk', query_by: 'name', facet_by: 'category,shopId', max_facet_values: 20,
    });
    const v1 = await ours({ q: 'milk', facets: 'category,shopId', limit: 10 });
    same(ts, v1);
    for (const name of ['category', 'shopId']) {
      const fc = ts.facet_counts.find((f) => f.field_name === name);
      assert.deepEqual(fc.counts.map(({ value, count }) => ({ value, count })), v1.facets[name], `${name} counts`);
    }
  });

  test('near a point, nearest first', async () => {
    const ts = await client.collections('products').documents().search({
      q: '*', per_page: 50,
      filter_by: 'location:(19.0822, 72.8376, 3 km)',
      sort_by: 'location(19.0822, 72.8376):asc',
    });
    const v1 = await ours({ near: '19.0822,72.8376', radiusKm: 3, sort: 'distance', limit: 50 });
    same(ts, v1);
    ts.hits.forEach((h, i) => assert.equal(h.geo_distance_meters.location, Math.round(v1.hits[i].distanceKm * 1000)));
    const d = ts.hits.map((h) => h.geo_distance_meters.location);
    assert.deepEqual(d, [...d].sort((a, b) => a - b), 'nearest first');
  });

  test('sorted by price, second page', async () => {
    const ts = await client.collections('products').documents().search({
      q: 'atta', query_by: 'name', sort_by: 'price:asc', per_page: 5, page: 2,
    });
    same(ts, await ours({ q: 'atta', sort: 'price_asc', limit: 5 }, 2));
    assert.equal(ts.page, 2);
  });

  test('a multi-search', async () => {
    const res = await client.multiSearch.perform({
      searches: [
        { collection: 'products', q: 'paneer', query_by: 'name' },
        { collection: 'shops', q: '*', filter_by: 'location:(19.0822, 72.8376, 2 km)' },
      ],
    }, {});
    same(res.results[0], await ours({ q: 'paneer', limit: 10 }));
    const shops = await server.api('/v1/search/shops?near=19.0822,72.8376&radiusKm=2');
    assert.deepEqual(ids(res.results[1].hits), ids(shops.hits));
  });

  test('an unsupported parameter is refused, named', async () => {
    await assert.rejects(
      client.collections('products').documents().search({ q: 'milk', query_by: 'name', group_by: 'category' }),
      (err) => err.httpStatus === 400 && /group_by/.test(err.message),
    );
  });

  test('a search key does nothing but search', async () => {
    await assert.rejects(server.api('/v1/events', { headers: { Authorization: `Bearer ${searchKey}` } }), /403/);
  });
});
