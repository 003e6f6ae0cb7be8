// npm run vendor:redoc: copy Redoc's standalone bundle (the version below,
// from npm) into apidocs/web, which the Go binary embeds for /docs/. Redoc 2
// is pinned: redoc 3's bundle sends telemetry and loads icons from a CDN.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repo } from "./generate.mjs";

const version = "2.5.4";
const dir = mkdtempSync(join(tmpdir(), "redoc-"));
try {
  const tgz = execFileSync("npm", ["pack", `redoc@${version}`, "--silent", "--pack-destination", dir], { encoding: "utf8" }).trim();
  execFileSync("tar", ["xzf", join(dir, tgz), "-C", dir]);
  const web = join(repo, "apidocs", "web");
  copyFileSync(join(dir, "package/bundles/redoc.standalone.js"), join(web, "redoc.standalone.js"));
  copyFileSync(join(dir, "package/bundles/redoc.standalone.js.LICENSE.txt"), join(web, "redoc.standalone.js.LICENSE.txt"));
  copyFileSync(join(dir, "package/LICENSE"), join(web, "LICENSE-redoc"));
  console.log(`apidocs/web: redoc ${version}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
