/**
 * A bounded map that keeps recently used entries: two generations, the way many caches approximate
 * LRU. Reads hit the young generation with one Map lookup; an entry found only in the old one is
 * promoted. When the young generation fills, it becomes the old one and the previous old entries
 * (not used for a whole generation) are dropped. A strict LRU would delete and re-insert on every
 * hit, which on the ingest path cost more than the resolution it saved.
 */
export class Lru<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number;

  /** Holds at most `capacity` entries. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`Lru capacity must be an integer of at least 2, got ${capacity}`);
    this.generation = Math.floor(capacity / 2);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.insert(key, aged);
    }
    return aged;
  }

  set(key: K, value: V): void {
    this.old.delete(key);
    this.insert(key, value);
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }

  private insert(key: K, value: V): void {
    if (!this.young.has(key) && this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
