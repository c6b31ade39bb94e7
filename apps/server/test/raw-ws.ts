import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/**
 * A WebSocket client at the byte level, for hostile-frame tests that a well-behaved library
 * refuses to send: bad UTF-8, RSV bits, unmasked frames, fragment floods.
 */
export class RawWs {
  private buffer = Buffer.alloc(0);
  readonly closed: Promise<number | undefined>;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => {
      let code: number | undefined;
      socket.on('data', (chunk) => {
        this.buffer = Buffer.concat([this.buffer, chunk]);
        const found = findClose(this.buffer);
        if (found !== undefined) code = found;
      });
      socket.on('close', () => resolve(code));
      socket.on('error', () => {});
    });
  }

  static async open(url: string, token: string): Promise<RawWs> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    const key = randomBytes(16).toString('base64');
    socket.write(
      `GET /ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
    let head = '';
    while (!head.includes('\r\n\r\n')) head += (await once(socket, 'data'))[0].toString('latin1');
    if (!head.startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${head.split('\r\n')[0]}`);
    const raw = new RawWs(socket);
    raw.buffer = Buffer.from(head.slice(head.indexOf('\r\n\r\n') + 4), 'latin1');
    return raw;
  }

  /** One frame: `opcode` 1 text, 0 continuation, 2 binary; `rsv` bits; masked unless told not to. */
  frame(payload: Buffer, opts: { opcode?: number; fin?: boolean; rsv?: number; masked?: boolean } = {}) {
    const { opcode = 1, fin = true, rsv = 0, masked = true } = opts;
    const len = payload.length;
    const header = [((fin ? 0x80 : 0) | (rsv << 4) | opcode) & 0xff];
    const maskBit = masked ? 0x80 : 0;
    if (len < 126) header.push(maskBit | len);
    else if (len < 65536) header.push(maskBit | 126, len >> 8, len & 0xff);
    else {
      header.push(maskBit | 127, 0, 0, 0, 0);
      header.push((len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
    }
    const parts: Buffer[] = [Buffer.from(header)];
    if (masked) {
      const mask = randomBytes(4);
      const body = Buffer.from(payload);
      for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
      parts.push(mask, body);
    } else parts.push(payload);
    return Buffer.concat(parts);
  }

  write(data: Buffer) {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  destroy() {
    this.socket.destroy();
  }
}

/** The status code of a close frame (opcode 8) sent by the server (unmasked), if one arrived. */
function findClose(buf: Buffer): number | undefined {
  let i = 0;
  while (i + 2 <= buf.length) {
    const opcode = buf[i]! & 0x0f;
    let len = buf[i + 1]! & 0x7f;
    let off = i + 2;
    if (len === 126) {
      if (off + 2 > buf.length) return undefined;
      len = buf.readUInt16BE(off);
      off += 2;
    } else if (len === 127) {
      if (off + 8 > buf.length) return undefined;
      len = Number(buf.readBigUInt64BE(off));
      off += 8;
    }
    if (off + len > buf.length) return undefined;
    if (opcode === 8) return len >= 2 ? buf.readUInt16BE(off) : 1005;
    i = off + len;
  }
  return undefined;
}
