// The contract: the committed document is the one the server serves, the
// committed types are generated from it, and it lints clean; the server's
// live/web/client.js is built from this package's live code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { clientJS, clientJSPath, documentPath, documentText, root, schemaPath, typesOf } from "../scripts/generate.mjs";
import { startServer } from "../scripts/server.mjs";

const stale = "stale: run `npm run gen` in clients/js and commit the result";

test("openapi.json is the document the server serves", async () => {
  const srv = await startServer({ scale: 1 });
  try {
    assert.equal(readFileSync(documentPath, "utf8"), await documentText({ url: srv.url }), `openapi.json is ${stale}`);
  } finally {
    await srv.stop();
  }
});

test("src/schema.ts is generated from openapi.json", async () => {
  assert.equal(readFileSync(schemaPath, "utf8"), await typesOf(readFileSync(documentPath, "utf8")), `src/schema.ts is ${stale}`);
});

test("openapi.json lints clean with Redocly (no errors, no warnings)", async () => {
  const { stdout } = await promisify(execFile)(root + "node_modules/.bin/redocly", ["lint", "openapi.json", "--format=json"],
    { cwd: root, maxBuffer: 64 << 20, env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } }).catch((e) => e);
  const report = JSON.parse(stdout);
  const problems = report.problems.map((p) => `${p.ruleId} at ${p.location?.[0]?.pointer}: ${p.message}`);
  assert.deepEqual(problems, []);
  assert.deepEqual([report.totals.errors, report.totals.warnings], [0, 0]);
});

test("the server's live/web/client.js is built from browser/client.ts and src/", async () => {
  assert.equal(readFileSync(clientJSPath, "utf8"), await clientJS(), `live/web/client.js is ${stale}`);
});
