// InstantSearch with Typesense's adapter (instantsearch.js and
// typesense-instantsearch-adapter from npm), in headless Chromium, searches
// mohalla serve from a page on another origin: typing and refining show the
// products our own /v1/search/products finds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const require = createRequire(import.meta.url);
const files = {
  '/': ['text/html', new URL('./page/index.html', import.meta.url)],
  '/instantsearch.js': ['text/javascript', require.resolve('instantsearch.js/dist/instantsearch.production.min.js')],
  '/adapter.js': ['text/javascript', require.resolve('typesense-instantsearch-adapter/dist/typesense-instantsearch-adapter.min.js')],
};

let server, site, browser, page;
const console_ = [];

before(async () => {
  server = await startServer();
  const key = await server.makeKey('search');
  site = http.createServer((req, res) => {
    const f = files[new URL(req.url, 'http://x').pathname];
    if (!f) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': f[0] }).end(readFileSync(f[1]));
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
  page = await browser.newPage();
  page.on('console', (m) => console_.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console_.push(`pageerror: ${e.message}`));
  const u = new URL(server.url);
  const cfg = JSON.stringify({ key, host: u.hostname, port: Number(u.port) });
  await page.goto(`http://127.0.0.1:${site.address().port}/?cfg=${encodeURIComponent(cfg)}`);
});

after(async () => {
  await browser?.close();
  site?.close();
  await server?.stop();
});

// shown waits until the page shows want, the ids of the hits, in order.
async function shown(want, what) {
  try {
    await page.waitForFunction(
      (want) => JSON.stringify([...document.querySelectorAll('.hit')].map((e) => e.dataset.id)) === want,
      JSON.stringify(want), { timeout: 120_000 });
  } catch (err) {
    const got = await page.evaluate(() => [...document.querySelectorAll('.hit')].map((e) => e.dataset.id));
    const searchError = await page.evaluate(() => window.searchError);
    assert.fail(`${what}: the page shows ${JSON.stringify(got)}, want ${JSON.stringify(want)}; ` +
      `search error: ${searchError}; console: ${console_.join('\n')}`);
  }
}

const ids = (res) => res.hits.map((h) => h.id);

describe('InstantSearch in Chromium against mohalla', () => {
  test('the first page before typing', async () => {
    await shown(ids(await server.api('/v1/search/products?limit=10')), 'every product');
  });

  test('typing finds, typos and all', async () => {
    await page.fill('#searchbox input', 'basmatti');
    const want = await server.api('/v1/search/products?q=basmatti&limit=10&facets=category');
    assert.ok(want.found > 0);
    await shown(ids(want), 'basmatti');
    // The refinement list counts what our facets count.
    const counts = await page.$$eval('#category .ais-RefinementList-item', (items) => items.map((li) => ({
      value: li.querySelector('.ais-RefinementList-labelText').textContent,
      count: Number(li.querySelector('.ais-RefinementList-count').textContent),
    })));
    assert.deepEqual(counts, want.facets.category.slice(0, 10));
  });

  test('refining by category', async () => {
    await page.fill('#searchbox input', 'milk');
    const cats = (await server.api('/v1/search/products?q=milk&limit=1&facets=category')).facets.category;
    assert.ok(cats.length > 1, 'milk is in several categories');
    const pick = cats[1].value;
    await page.waitForSelector(`#category input[value="${pick}"]`);
    await page.click(`#category input[value="${pick}"]`);
    const want = await server.api(`/v1/search/products?q=milk&category=${pick}&limit=10`);
    await shown(ids(want), `milk in ${pick}`);
    assert.equal(want.found, cats[1].count);
  });
});
