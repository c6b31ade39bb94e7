import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'pass' | 'down' | 'hang';

/**
 * A TCP proxy to a real server on 127.0.0.1, for fault injection: `down` refuses and cuts every
 * connection (the database stopped), `hang` accepts and forwards nothing (a database that
 * accepts TCP, then hangs), `pass` is normal again.
 */
export async function startTcpProxy(targetPort: number) {
  let mode: ProxyMode = 'pass';
  const pairs = new Set<[Socket, Socket]>();
  let server: Server | undefined;
  let port = 0;

  const onConnection = (client: Socket) => {
    client.on('error', () => {});
    if (mode === 'hang') {
      pairs.add([client, client]);
      return; // accepted; nothing ever comes back
    }
    const upstream = connect(targetPort, '127.0.0.1');
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('close', () => pairs.delete(pair));
    client.pipe(upstream);
    upstream.pipe(client);
  };

  async function listen() {
    server = createServer(onConnection);
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  }
  await listen();

  return {
    get port() {
      return port;
    },
    async set(next: ProxyMode) {
      mode = next;
      if (next === 'pass') {
        for (const [a, b] of pairs) if (a === b) a.destroy();
        if (!server?.listening) await listen();
        return;
      }
      if (next === 'hang') {
        // Existing connections freeze too: stop forwarding in both directions.
        for (const [a, b] of pairs) {
          a.unpipe();
          b.unpipe();
          a.pause();
          b.pause();
        }
        return;
      }
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
    async close() {
      await this.set('down');
    },
  };
}
