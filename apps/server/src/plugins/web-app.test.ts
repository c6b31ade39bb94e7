import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webApp, { IMMUTABLE, REVALIDATE } from './web-app.js';

// A build as Vite writes it: hashed assets with their precompressed twins, a hidden source map,
// index.html (also precompressed) and the favicons from public/.
const INDEX = `<!doctype html><html><head><link rel="icon" href="/favicon.ico"></head><body>${'app '.repeat(400)}</body></html>`;
const SCRIPT = `console.log(${JSON.stringify('chatsockets '.repeat(500))});`;

let root: string;
let app: FastifyInstance;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'web-app-'));
  mkdirSync(join(root, 'assets'));
  const write = (name: string, body: string | Buffer, twins = false) => {
    writeFileSync(join(root, name), body);
    if (twins) {
      writeFileSync(join(root, `${name}.br`), brotliCompressSync(body));
      writeFileSync(join(root, `${name}.gz`), gzipSync(body));
    }
  };
  write('index.html', INDEX, true);
  write('assets/index-AbC123.js', SCRIPT, true);
  write('assets/index-AbC123.js.map', '{"version":3,"sources":["secret.ts"]}');
  write('favicon.ico', Buffer.from([0, 0, 1, 0, 1, 0]));
  write('favicon.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
  app = Fastify();
  await app.register(webApp, { root });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  rmSync(root, { recursive: true, force: true });
});

const get = (url: string, encoding?: string) =>
  app.inject({ method: 'GET', url, headers: encoding ? { 'accept-encoding': encoding } : {} });

describe('web app serving', () => {
  it('[serving] hashed assets: brotli or gzip as accepted, cached a year as immutable, varying on Accept-Encoding', async () => {
    const br = await get('/assets/index-AbC123.js', 'gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toBe(IMMUTABLE);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT);

    const gz = await get('/assets/index-AbC123.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(SCRIPT);

    const plain = await get('/assets/index-AbC123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers['cache-control']).toBe(IMMUTABLE);
  });

  it('[serving] index.html, at / and for app routes, is revalidated on every load (and compressed)', async () => {
    for (const url of ['/', '/chats/abc', '/login?next=x']) {
      const res = await get(url, 'br');
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe(REVALIDATE);
      expect(res.headers['content-encoding'], url).toBe('br');
      expect(brotliDecompressSync(res.rawPayload).toString(), url).toBe(INDEX);
    }
  });

  it('[serving] source maps are not public, and a missing file is a 404, never the app HTML', async () => {
    for (const url of [
      '/assets/index-AbC123.js.map',
      '/assets/index-Old999.js',
      '/assets/index-AbC123.js.br',
    ]) {
      const res = await get(url, 'br');
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('<!doctype html>');
    }
  });

  it('[serving] a real favicon, as an icon, not index.html', async () => {
    const ico = await get('/favicon.ico');
    expect(ico.statusCode).toBe(200);
    expect(ico.headers['content-type']).toMatch(/icon/);
    expect(ico.headers['cache-control']).toBe(REVALIDATE);
    const svg = await get('/favicon.svg');
    expect(svg.headers['content-type']).toMatch(/svg/);
  });
});
