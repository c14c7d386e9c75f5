/**
 * What the domain tells the real-time layer after a write commits. The socket.io adapter
 * implements it; tests and the seed command use `silentEvents`.
 */
import type { NotificationRow } from '../../src/shared/entities.js';
import type { ChangeRef } from './changes.js';

export interface DomainEvents {
  /** Rows of these views changed; `lastSeq` is the change-log position after the write. */
  changed(changes: ChangeRef[], lastSeq: number): void;
  notificationCreated(row: NotificationRow): void;
  /** A teacher lost their membership of a school. */
  scopeRevoked(userId: number, schoolId: number): void;
  /** A teacher (re)gained a membership: their sockets join the school's room. */
  scopeGranted(userId: number, schoolId: number): void;
  tokenRevoked(tokenHash: string): void;
}

export const silentEvents: DomainEvents = {
  changed: () => undefined,
  notificationCreated: () => undefined,
  scopeRevoked: () => undefined,
  scopeGranted: () => undefined,
  tokenRevoked: () => undefined,
};
