/**
 * Checksum of a scoped view: an order-independent digest of (entity, id, version) triples.
 * The server computes it over its view and the device over its copy; equal digests mean the
 * device holds every row of the view, no other row, and each at the server's version.
 * The digest is a sum, so a row can be taken out again: the server keeps a view's checksum up to
 * date from the change log instead of recomputing it (server/domain/checksum-cache.ts).
 */
export interface VersionedRef {
  entity: string;
  id: number;
  version: number;
}

function fnv1a(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export class ViewChecksum {
  private count = 0;
  private a = 0;
  private b = 0;

  add(entity: string, id: number, version: number): void {
    this.step(entity, id, version, 1);
  }

  /** Takes out a row added before: the digest is then the one of the view without it. */
  remove(entity: string, id: number, version: number): void {
    this.step(entity, id, version, -1);
  }

  private step(entity: string, id: number, version: number, sign: 1 | -1): void {
    const key = `${entity}:${id}:${version}`;
    this.count += sign;
    this.a = (this.a + sign * fnv1a(key, 0x811c9dc5)) >>> 0;
    this.b = (this.b + sign * fnv1a(key, 0x2166136)) >>> 0;
  }

  digest(): string {
    return `${this.count}-${this.a.toString(16).padStart(8, '0')}${this.b.toString(16).padStart(8, '0')}`;
  }
}

export function viewChecksum(refs: Iterable<VersionedRef>): string {
  const c = new ViewChecksum();
  for (const r of refs) c.add(r.entity, r.id, r.version);
  return c.digest();
}
