// live/web/client.js, the browser client the server embeds, is built from
// browser/mohalla-live.ts (with the reduce of src/reduce.ts) by esbuild.
// `node scripts/client-js.mjs` (npm run build:client-js) writes it; the
// contract test checks the committed copy is what this builds.
import { readFileSync, writeFileSync } from "node:fs";
import { build } from "esbuild";
import { repo, root } from "./generate.mjs";

export const clientJSPath = repo + "live/web/client.js";

// clientJS returns the text of client.js.
export async function clientJS() {
  const out = await build({
    entryPoints: [root + "browser/mohalla-live.ts"],
    bundle: true, format: "iife", target: "es2022", charset: "utf8", write: false, logLevel: "error",
  });
  const banner = readFileSync(root + "browser/banner.js", "utf8");
  return banner + "//\n// Built from clients/js/browser/mohalla-live.ts by npm run build:client-js: do not edit.\n" +
    out.outputFiles[0].text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(clientJSPath, await clientJS());
  console.log(`wrote ${clientJSPath}`);
}
