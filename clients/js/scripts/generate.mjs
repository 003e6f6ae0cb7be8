// The generated files: openapi.json (the API's document, as the Go code
// writes it), src/schema.ts (its types, by openapi-typescript) and the
// server's live/web/client.js (browser/client.ts bundled by esbuild).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const repo = fileURLToPath(new URL("../../..", import.meta.url));
export const documentPath = root + "openapi.json";
export const schemaPath = root + "src/schema.ts";
export const clientJSPath = repo + "live/web/client.js";

const header = "// Generated from openapi.json by openapi-typescript (npm run gen). Do not edit.\n\n";

// documentText returns the API's OpenAPI document: from the server at url when
// given, else printed by `mohalla openapi` (the binary at bin, or go run).
export async function documentText({ url, bin } = {}) {
  if (url) {
    const r = await fetch(new URL("/openapi.json", url));
    if (!r.ok) throw new Error(`GET ${url}/openapi.json: ${r.status}`);
    return JSON.stringify(await r.json(), null, 2) + "\n";
  }
  const out = bin
    ? execFileSync(bin, ["openapi"], { encoding: "utf8" })
    : execFileSync("go", ["run", "./cmd/mohalla", "openapi"], { cwd: repo, encoding: "utf8" });
  return JSON.stringify(JSON.parse(out), null, 2) + "\n";
}

// typesOf returns the TypeScript types of the document text.
export async function typesOf(text) {
  return header + astToString(await openapiTS(JSON.parse(text)));
}

// clientJS returns the text of live/web/client.js: the MohallaLive global,
// built from browser/client.ts with the live rules of src/.
export async function clientJS() {
  const out = await build({
    entryPoints: [root + "browser/client.ts"], bundle: true, format: "iife", target: "es2022",
    charset: "utf8", legalComments: "none", write: false, logLevel: "error",
  });
  return readFileSync(root + "browser/banner.js", "utf8") + out.outputFiles[0].text;
}
