import { test as base, type WebSocketRoute } from '@playwright/test';
import { type Person, registerInUi, uniqueName } from './helpers';

/**
 * Stands between the page and the server's /ws, so a test can take "the server" away and bring
 * it back (the e2e webServer cannot be restarted in the middle of a run). While down, every
 * connect is closed at once with 1012 (service restart), as a restarting server's would be.
 */
export interface SocketGate {
  takeDown(): Promise<void>;
  bringUp(): void;
  /** From the next connect on, the server's hello claims this protocolVersion. */
  claimProtocolVersion(version: number): void;
  /** When each connect reached the gate (ms since epoch), whether it got through or not. */
  readonly attempts: readonly number[];
}

export const test = base.extend<{ person: Person & { gate: SocketGate } }>({
  person: async ({ browser }, use) => {
    let down = false;
    let claimedVersion: number | null = null;
    const attempts: number[] = [];
    const live = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
    const context = await browser.newContext();
    // Routed before the first page exists, so the app's very first socket goes through the gate.
    await context.routeWebSocket(/\/ws$/, async (ws) => {
      attempts.push(Date.now());
      if (down) {
        await ws.close({ code: 1012, reason: 'restarting' });
        return;
      }
      const server = ws.connectToServer();
      // Once handled here, the server's frames are no longer forwarded by themselves.
      server.onMessage((frame) => {
        if (claimedVersion !== null && typeof frame === 'string' && frame.startsWith('{"type":"hello"')) {
          ws.send(JSON.stringify({ ...JSON.parse(frame), protocolVersion: claimedVersion }));
        } else ws.send(frame);
      });
      live.add({ page: ws, server });
    });
    const page = await context.newPage();
    const username = uniqueName('gate');
    await registerInUi(page, username);
    const gate: SocketGate = {
      attempts,
      async takeDown() {
        down = true;
        for (const pair of live) {
          await pair.server.close();
          await pair.page.close({ code: 1012, reason: 'restarting' });
        }
        live.clear();
      },
      bringUp() {
        down = false;
      },
      claimProtocolVersion(version) {
        claimedVersion = version;
      },
    };
    await use({ username, context, page, gate });
    await context.close();
  },
});

export { expect } from '@playwright/test';
