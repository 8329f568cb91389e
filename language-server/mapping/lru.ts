/**
 * A bounded map that keeps recently used entries: two generations, the way many caches approximate
 * LRU. Reads hit the young generation with one Map lookup; an entry found only in the old one is
 * promoted. When the young generation fills, it becomes the old one and the previous old entries
 * (not used for a whole generation) are dropped. A strict LRU would delete and re-insert on every
 * hit, which on the ingest path cost more than the resolution it saved.
 *
 * An entry may weigh more than one (a value holding several results): the capacity and `size`
 * count weight, and a value's weight must not change while it is stored (set a new value instead).
 */
export class Lru<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private youngWeight = 0;
  private oldWeight = 0;
  private readonly generation: number;

  /** Holds at most `capacity` weight; `weigh` must return an integer from 1 to half the capacity. */
  constructor(
    capacity: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`Lru capacity must be an integer of at least 2, got ${capacity}`);
    this.generation = Math.floor(capacity / 2);
  }

  get size(): number {
    return this.youngWeight + this.oldWeight;
  }

  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.oldWeight -= this.weigh(aged);
      this.insert(key, aged);
    }
    return aged;
  }

  set(key: K, value: V): void {
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.oldWeight -= this.weigh(aged);
    }
    this.insert(key, value);
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
    this.youngWeight = 0;
    this.oldWeight = 0;
  }

  private insert(key: K, value: V): void {
    const weight = this.weigh(value);
    if (!Number.isInteger(weight) || weight < 1 || weight > this.generation) throw new RangeError(`Lru entry weight must be an integer from 1 to ${this.generation}, got ${weight}`);
    const previous = this.young.get(key);
    if (previous !== undefined) {
      this.young.delete(key);
      this.youngWeight -= this.weigh(previous);
    }
    if (this.youngWeight + weight > this.generation) {
      this.old = this.young;
      this.oldWeight = this.youngWeight;
      this.young = new Map();
      this.youngWeight = 0;
    }
    this.young.set(key, value);
    this.youngWeight += weight;
  }
}
