// Starts a mohalla server on SQLite in a temporary directory, fills it with the
// demo neighbourhood and waits until its search index holds every product.
// MOHALLA_BIN names the binary (the Go test builds it); without it the
// repository's command is built here.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// The number of demo products: enough for every kind of search to find
// something, few enough to seed in seconds.
export const scale = 1000;

function binary(dir) {
  if (process.env.MOHALLA_BIN) return process.env.MOHALLA_BIN;
  const bin = join(dir, 'mohalla');
  execFileSync('go', ['build', '-o', bin, './cmd/mohalla'], { cwd: repo, stdio: 'inherit' });
  return bin;
}

// waitFor calls check until it returns a truthy value, for up to ms.
export async function waitFor(what, check, ms = 180_000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; last: ${last?.stack ?? JSON.stringify(last)}`);
}

export async function startServer() {
  const data = mkdtempSync(join(tmpdir(), 'mohalla-compat-'));
  const bin = binary(data);
  const proc = spawn(bin, ['serve', '--data', data, '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (b) => { stderr = (stderr + b).slice(-20_000); });
  try {
    return await ready(bin, data, proc, () => stderr);
  } catch (err) {
    proc.kill('SIGKILL');
    rmSync(data, { recursive: true, force: true });
    throw err;
  }
}

// ready waits for the server's URL, seeds it and waits for its index.
async function ready(bin, data, proc, stderr) {
  const url = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (b) => {
      out += b;
      const m = out.match(/serving on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`mohalla serve exited with ${code}: ${stderr()}`)));
  });
  execFileSync(bin, ['seed', '--demo', '--data', data, '--scale', String(scale)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const admin = execFileSync(bin, ['token', '--data', data, '--sub', 'compat-admin', '--role', 'admin']).toString().trim();

  const server = {
    url,
    // api calls our own API as the admin, or with the given headers.
    async api(path, { method = 'GET', body, headers } = {}) {
      const res = await fetch(url + path, {
        method,
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    // makeKey makes an API key of kind "service" or "search".
    async makeKey(kind) {
      const made = await server.api('/v1/api-keys', { method: 'POST', body: { name: `compat-${kind}`, kind } });
      return made.key;
    },
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.on('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
  await waitFor('the index to hold the demo products', async () => {
    const res = await server.api('/v1/search/products?limit=1');
    return res.found === scale;
  });
  return server;
}
