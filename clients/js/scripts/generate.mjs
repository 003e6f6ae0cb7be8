// The generated files: openapi.json (the API's document, as the Go code
// writes it) and src/schema.ts (its types, by openapi-typescript).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const repo = fileURLToPath(new URL("../../..", import.meta.url));
export const documentPath = root + "openapi.json";
export const schemaPath = root + "src/schema.ts";

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
