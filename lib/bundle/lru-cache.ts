// Bundle-time stand-in (infra/service-function.ts BUNDLE_ALIASES) for `mnemonist/lru-cache`, which only the
// DynamoDB client's endpoint-discovery cache (`@aws-sdk/endpoint-cache`) imports — and Codegate never turns
// endpoint discovery on. The real module and what it pulls in (`obliterator`) are 7 KB of every bundle; this
// keeps the same behaviour for the calls that cache makes (get, set, has, peek, clear) on a Map, whose insertion
// order is the recency order. test/bundles.test.ts checks it against the real one. Unbundled code keeps mnemonist.

export default class LRUCache<K, V> {
  private readonly items = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.size;
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    if (!this.items.has(key)) return undefined;
    const value = this.items.get(key) as V;
    this.items.delete(key);
    this.items.set(key, value);
    return value;
  }

  /** The value, its recency unchanged. */
  peek(key: K): V | undefined {
    return this.items.get(key);
  }

  has(key: K): boolean {
    return this.items.has(key);
  }

  /** Stores the value as the most recently used, dropping the least recently used beyond the capacity. */
  set(key: K, value: V): this {
    this.items.delete(key);
    this.items.set(key, value);
    if (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value as K);
    return this;
  }

  clear(): void {
    this.items.clear();
  }
}
