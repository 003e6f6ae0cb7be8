// A real mohalla server for the tests: SQLite in a temporary directory, seeded
// with the demo neighbourhood, listening on a free loopback port.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import { repo } from "./generate.mjs";

// binary returns the mohalla binary: MOHALLA_BIN (the Go test that runs these
// passes the one it built), else one built now into dir.
function binary(dir) {
  if (process.env.MOHALLA_BIN) return process.env.MOHALLA_BIN;
  const bin = join(dir, "mohalla");
  execFileSync("go", ["build", "-o", bin, "./cmd/mohalla"], { cwd: repo, stdio: "inherit" });
  return bin;
}

// startServer seeds a demo neighbourhood of scale products and serves it with
// serve's flags args. It returns {url, bin, data, token(sub, role, email?, ttl?), stop()}.
export async function startServer({ scale = 40, args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "mohalla-jsclient-"));
  const data = join(dir, "data");
  const bin = binary(dir);
  execFileSync(bin, ["seed", "--demo", "--scale", String(scale), "--data", data], { stdio: ["ignore", "ignore", "inherit"] });
  const proc = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--data", data, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  proc.stderr.on("data", (b) => { log = (log + b).slice(-20000); });
  const exited = new Promise((resolve) => proc.on("exit", resolve));
  const url = await new Promise((resolve, reject) => {
    let out = "";
    proc.stdout.on("data", (b) => {
      out += b;
      const m = /mohalla serving on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    exited.then((code) => reject(new Error(`mohalla serve exited (${code}) before serving:\n${log}`)));
  });
  return {
    url, bin, data,
    token(sub, role, email, ttl) {
      const args = ["token", "--sub", sub, "--role", role, "--data", data, ...(email ? ["--email", email] : []),
        ...(ttl ? ["--ttl", ttl] : [])];
      return execFileSync(bin, args, { encoding: "utf8" }).trim();
    },
    log: () => log,
    async stop() {
      proc.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// startProxy forwards TCP connections from a loopback port to target's: cut()
// drops every connection and refuses new ones, as a network failure would,
// until resume().
export async function startProxy(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) return client.destroy();
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    resume() { cut = false; },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

// waitFor polls cond until it returns a truthy value, which it returns, or
// fails with what after the deadline (long: the machine may be busy).
export async function waitFor(what, cond, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
