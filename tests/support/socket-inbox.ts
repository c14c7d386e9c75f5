/**
 * Real socket.io clients for tests: a socket that records every event it receives, in order, with
 * ways to wait for one. Absence of an event is proven with a later marker event on the same socket
 * (socket.io keeps a socket's events in order), not with a sleep.
 */
import { io, type Socket } from 'socket.io-client';
import {
  SERVER_EVENTS,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../src/shared/protocol.js';
import { renderNotification } from '../../src/shared/notification-text.js';
import type { NotificationRow } from '../../src/shared/entities.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export interface Received {
  event: string;
  payload: unknown;
}

export const WAIT_MS = 10_000;

export function openSocket(url: string, auth: Record<string, unknown>): ClientSocket {
  return io(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
}

/** Every event a socket receives, in order, with a way to wait for one. */
export class Inbox {
  readonly received: Received[] = [];
  private waiters: Array<{ match: (r: Received) => boolean; resolve: (r: Received) => void }> = [];

  constructor(readonly socket: ClientSocket) {
    socket.onAny((event: string, payload: unknown) => {
      const r = { event, payload };
      this.received.push(r);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(r)) return true;
        w.resolve(r);
        return false;
      });
    });
  }

  /** The first event, already received or still to come, that matches. */
  waitFor(what: string, match: (r: Received) => boolean): Promise<Received> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no ${what} arrived; received: ${JSON.stringify(this.received)}`));
      }, WAIT_MS);
      this.waiters.push({
        match,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }

  /**
   * Waits for the notification of this type whose title, as an English reader renders it, is
   * `title`, and checks it against the shared schema.
   */
  async notification(type: NotificationRow['type'], title: string): Promise<NotificationRow> {
    const r = await this.waitFor(`${type} notification "${title}"`, (e) => {
      if (e.event !== 'notification') return false;
      const n = e.payload as NotificationRow;
      return (
        n.type === type && renderNotification({ ...n, params: n.params ?? {} }, 'en', null).title === title
      );
    });
    return SERVER_EVENTS.notification.parse(r.payload);
  }

  async poke(schoolId: number): Promise<{ school_id: number; cursor: string }> {
    const r = await this.waitFor(
      `poke for school ${schoolId}`,
      (e) => e.event === 'poke' && (e.payload as { school_id?: unknown }).school_id === schoolId,
    );
    return SERVER_EVENTS.poke.parse(r.payload);
  }

  /** Events received before the first one that matches `marker`. */
  before(marker: Received): Received[] {
    return this.received.slice(0, this.received.indexOf(marker));
  }
}

export function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
}

export function refused(socket: ClientSocket): Promise<Error> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('the server accepted the connection')));
    socket.once('connect_error', (err) => resolve(err));
  });
}

export function disconnected(socket: ClientSocket): Promise<string> {
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}
