// npm run gen: regenerate openapi.json and src/schema.ts from the Go code
// (`mohalla openapi`; MOHALLA_BIN names a built binary, else go run), or from
// a running server with MOHALLA_URL=http://localhost:8080, and the server's
// live/web/client.js from browser/client.ts. With --check it writes nothing
// and fails if any of them is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { clientJS, clientJSPath, documentPath, documentText, schemaPath, typesOf } from "./generate.mjs";

const check = process.argv.includes("--check");
const doc = await documentText({ url: process.env.MOHALLA_URL, bin: process.env.MOHALLA_BIN });
const types = await typesOf(doc);
let stale = 0;
for (const [path, text] of [[documentPath, doc], [schemaPath, types], [clientJSPath, await clientJS()]]) {
  let old = "";
  try { old = readFileSync(path, "utf8"); } catch {}
  if (old === text) continue;
  if (check) {
    console.error(`${path} is stale: run npm run gen in clients/js`);
    stale++;
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
process.exit(stale ? 1 : 0);
