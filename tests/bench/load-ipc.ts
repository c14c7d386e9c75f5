/** Messages between `npm run bench:load` and the server processes it starts (Node IPC). */
import type { RecordedStatement } from './statement-log.js';

export type ChildRequest =
  | { type: 'memory' }
  | { type: 'stop' }
  /** Baseline only: the JSON body its `GET /body` answers from now on. */
  | { type: 'body'; body: string }
  /** Baseline only: the SQLite file and, per pull teacher, the statements `GET /floor` replays. */
  | { type: 'floor'; file: string; teachers: RecordedStatement[][] };

export interface MemoryFigures {
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  /** Whether a full GC ran first (the process was started with --expose-gc). */
  gc: boolean;
}

export type ChildReply =
  | { type: 'ready'; url: string }
  | ({ type: 'memory'; sockets: number } & MemoryFigures)
  | { type: 'body-set' }
  | { type: 'floor-set' };

/** Memory of this process after full garbage collections (when started with --expose-gc). */
export function memorySnapshot(): MemoryFigures {
  // Several passes: a collection can free objects whose finalisers free more.
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  const m = process.memoryUsage();
  return {
    heapUsed: m.heapUsed,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    rss: m.rss,
    gc: typeof globalThis.gc === 'function',
  };
}
