import { once } from 'node:events';
import { connect } from 'node:net';
import { ERROR_STATUS, ErrorBodySchema } from '@chatsockets/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';

/** One raw HTTP/1.1 exchange: odd request lines never pass through fetch or inject untouched. */
async function rawRequest(base: string, head: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  let data = '';
  socket.setEncoding('latin1');
  socket.on('data', (d) => (data += d));
  socket.write(head);
  await new Promise<void>((resolve, reject) => {
    socket.on('end', resolve);
    socket.on('close', () => resolve());
    socket.on('error', (err) =>
      (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err),
    );
    // A complete response ends the exchange; the server may keep the connection alive.
    socket.on('data', () => {
      const [headers, body = ''] = data.split('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(headers ?? '');
      if (length && Buffer.byteLength(body, 'latin1') >= Number(length[1])) socket.end();
    });
  });
  socket.destroy();
  const [headers = '', body = ''] = data.split('\r\n\r\n');
  return { status: Number(headers.split(' ')[1]), body };
}

function expectProtocolError(what: string, status: number, body: string) {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error(`${what}: ${status} with a body that is not JSON: ${body.slice(0, 200)}`);
  }
  const parsed = ErrorBodySchema.safeParse(json);
  expect(parsed.success, `${what}: ${status} ${body.slice(0, 200)}`).toBe(true);
  if (parsed.success) expect(status, what).toBe(ERROR_STATUS[parsed.data.error.code]);
}

describe.each(drivers())('error shapes on %s', (driver) => {
  let t: TestContext;
  let url: string;
  let u: TestUser;
  beforeAll(async () => {
    t = await buildTestApp(driver);
    url = await t.listen();
    u = await registerUser(t.app);
  });
  afterAll(() => t.close());

  const long = 'a'.repeat(1001);
  const oddPaths = [
    `/api/chats/${long}`,
    `/api/chats/${long}/messages`,
    `/api/chats/x/messages/${long}`,
    `/api/chats/${'b'.repeat(5000)}/members/${long}`,
    '/api/chats/%',
    '/api/chats/%E0%A4%A',
    '/api/chats/%zz/messages',
    '/api/chats/%C0%AF',
    '/api/chats/%00',
    '/api/chats/..%2f..%2fetc',
    '/api/chats/x/messages?after=%',
    '/api/chats/x/messages?after=-1&limit=abc',
    '/api/nope',
    '/%',
    '//api//chats',
    '/api/chats/\u00e9',
    '/ws',
    '/ws/%',
    '/metrics/%',
    '/docs/%',
    '/api/health/%zz',
  ];

  it('[shape] odd URLs on every route answer {error:{code,message}} with the code’s status', async () => {
    for (const path of oddPaths) {
      for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
        const body = method === 'POST' || method === 'PATCH' ? '{}' : '';
        const headers = [
          `${method} ${path} HTTP/1.1`,
          'Host: 127.0.0.1',
          `Authorization: Bearer ${u.token}`,
          'Connection: close',
          ...(body ? ['Content-Type: application/json', `Content-Length: ${body.length}`] : []),
        ];
        const res = await rawRequest(url, `${headers.join('\r\n')}\r\n\r\n${body}`);
        expectProtocolError(`${method} ${path.slice(0, 60)}`, res.status, res.body);
      }
    }
  });

  it('[shape] an id that is not valid percent-encoding names nothing: 404, as any unknown id', async () => {
    for (const path of [
      '/api/chats/%ff',
      '/api/users/%ff/avatar',
      '/api/chats/%E0%A4%A/messages',
      '/api/attachments/%c0',
    ]) {
      const res = await t.app.inject({ url: path, headers: u.headers });
      expect(res.statusCode, path).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
  });

  it('[shape] what Node’s parser rejects also answers in the protocol’s shape', async () => {
    const cases = [
      `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20_000)}\r\n\r\n`,
      'GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      'NOTAMETHOD /api/health HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /api/health HTTP/9.9\r\nHost: x\r\n\r\n',
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
    ];
    for (const head of cases) {
      const res = await rawRequest(url, head);
      expectProtocolError(head.slice(0, 50).replaceAll('\r\n', ' '), res.status, res.body);
    }
  });

  it('[strict] an API route that takes no query string refuses one, naming its keys; routes with one refuse unknown keys', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/chats',
      headers: u.headers,
      payload: { title: 'Q' },
    });
    const chatId = created.json().chat.id as string;
    for (const [method, url] of [
      ['GET', `/api/chats/${chatId}/pins?limit=1`],
      ['GET', `/api/chats/${chatId}?x=1`],
      ['GET', '/api/me?x=1'],
      ['GET', '/api/me/sessions?x=1'],
      ['POST', `/api/chats/${chatId}/read?x=1`],
      ['DELETE', `/api/chats/${chatId}?hard=true`],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: u.headers,
        ...(method === 'POST' ? { payload: { seq: 0 } } : {}),
      });
      expectProtocolError(url, res.statusCode, res.body);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details[0].message, url).toMatch(/^Unrecognized key: "(limit|x|hard)"$/);
    }
    // Still there: the refused DELETE did nothing.
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/chats/${chatId}`, headers: u.headers })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/chats?limit=1', headers: u.headers })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/chats?bogus=1', headers: u.headers })).statusCode,
    ).toBe(400);
  });

  it('[strict] a route that takes no body refuses one with keys, naming them; none, null and {} are none', async () => {
    const v = await registerUser(t.app);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/chats',
      headers: u.headers,
      payload: { title: 'Open to all', visibility: 'public' },
    });
    expect(created.statusCode).toBe(201);
    const chatId = created.json().chat.id as string;
    const join = (payload?: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/chats/${chatId}/join`,
        headers: { ...v.headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(payload === undefined ? {} : { payload }),
      });
    const keyed = await join('{"role":"owner"}');
    expectProtocolError('join with keys', keyed.statusCode, keyed.body);
    expect(keyed.statusCode).toBe(400);
    expect(keyed.json().error.details).toEqual([{ path: 'role', message: 'Unrecognized key: "role"' }]);
    const list = await join('[1]');
    expect(list.statusCode).toBe(400);
    // A key named like a stream's method is a key like any other.
    const piped = await join('{"pipe":"x","role":"owner"}');
    expect(piped.statusCode).toBe(400);
    expect(piped.json().error.details.map((d: { path: string }) => d.path)).toEqual(['pipe', 'role']);
    // Refused before anything was done: still not a member.
    const members = await t.app.inject({ method: 'GET', url: `/api/chats/${chatId}`, headers: u.headers });
    expect(members.json().members.map((m: { user: { id: string } }) => m.user.id)).not.toContain(v.user.id);
    for (const none of [undefined, 'null', '{}']) expect((await join(none)).statusCode).toBe(200);
    const gone = await t.app.inject({
      method: 'DELETE',
      url: `/api/chats/${chatId}`,
      headers: { ...u.headers, 'content-type': 'application/json' },
      payload: '{"hard":true}',
    });
    expect(gone.statusCode).toBe(400);
    // The avatar's DELETE, beside its upload (which takes raw image bytes), follows the same rule.
    const unavatar = (payload: string) =>
      t.app.inject({
        method: 'DELETE',
        url: '/api/me/avatar',
        headers: { ...v.headers, 'content-type': 'application/json' },
        payload,
      });
    expect((await unavatar('{}')).statusCode).toBe(200);
    expect((await unavatar('null')).statusCode).toBe(200);
    const keep = await unavatar('{"keep":true}');
    expect(keep.statusCode).toBe(400);
    expect(keep.json().error.details).toEqual([{ path: 'keep', message: 'Unrecognized key: "keep"' }]);
  });

  it('[shape] a missing body is named `body`; a bad field `body.<field>`', async () => {
    const chat = await t.app.inject({
      method: 'POST',
      url: '/api/chats',
      headers: u.headers,
      payload: { title: 'R' },
    });
    const read = (payload?: object) =>
      t.app.inject({
        method: 'POST',
        url: `/api/chats/${chat.json().chat.id}/read`,
        headers: u.headers,
        ...(payload ? { payload } : {}),
      });
    const none = await read();
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details.map((d: { path: string }) => d.path)).toEqual(['body']);
    const bad = await read({ seq: 'x' });
    expect(bad.json().error.details.map((d: { path: string }) => d.path)).toEqual(['body.seq']);
  });

  it('[shape] unknown methods and HEAD', async () => {
    for (const method of ['PUT', 'OPTIONS', 'PROPFIND', 'TRACE']) {
      const res = await rawRequest(
        url,
        `${method} /api/chats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      expectProtocolError(method, res.status, res.body);
    }
  });

  it('[shape] a request that arrives while the server closes gets 503 UNAVAILABLE in the protocol’s shape', async () => {
    const app = await t.rebuild();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (data += d));
    // Headers begun before the close (so the connection is not idle), finished after it began.
    socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n');
    await new Promise((r) => setTimeout(r, 50));
    const closing = app.close();
    await new Promise((r) => setImmediate(r));
    socket.write('\r\n');
    await once(socket, 'close');
    await closing;
    const [head = '', body = ''] = data.split('\r\n\r\n');
    expectProtocolError('request during close', Number(head.split(' ')[1]), body);
    expect(JSON.parse(body).error.code).toBe('UNAVAILABLE');
    await t.rebuild();
  });
});
