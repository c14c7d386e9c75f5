/**
 * Get-or-create on a Map used as a least-recently-used cache: a hit moves its key to the end
 * (a Map iterates in insertion order), a miss creates the value and, beyond `max` entries,
 * drops the least recently used first. Nothing is dropped when `create` throws.
 */
export function lruGetOrCreate<K, V>(map: Map<K, V>, key: K, max: number, create: () => V): V {
  let value = map.get(key);
  if (value !== undefined) {
    map.delete(key);
  } else {
    value = create();
    if (map.size >= max) map.delete(map.keys().next().value!);
  }
  map.set(key, value);
  return value;
}
