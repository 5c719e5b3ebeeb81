/**
 * Probes on the LevelDB layer under the embedded store (abstract-level, the base of both
 * classic-level on disk and memory-level in memory), for the regression tests of our dynalite
 * patches (docs/dynalite-patches.md): how many iterators are open, and a "kill" after the n-th
 * write. Resolved from dynalite itself, so they see the instances it uses.
 */
import { createRequire } from 'node:module';

const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));

type Resource = object;
type Write = (this: LevelDb, ...args: unknown[]) => Promise<unknown>;

export interface LevelDb {
  attachResource(resource: Resource): void;
  detachResource(resource: Resource): void;
  put: Write;
  del: Write;
  batch: Write;
  iterator(options?: object): { next(): Promise<[string, unknown] | undefined>; close(): Promise<void> };
}

const { AbstractLevel, AbstractIterator, AbstractKeyIterator, AbstractValueIterator } = requireFromDynalite('abstract-level') as {
  AbstractLevel: { prototype: LevelDb };
  AbstractIterator: abstract new (...args: never[]) => object;
  AbstractKeyIterator: abstract new (...args: never[]) => object;
  AbstractValueIterator: abstract new (...args: never[]) => object;
};

const isIterator = (resource: Resource): boolean =>
  resource instanceof AbstractIterator || resource instanceof AbstractKeyIterator || resource instanceof AbstractValueIterator;

/** Counts iterators opened (attached to their database) and closed (detached) from now until `stop`. */
export function countIterators(): { opened: () => number; closed: () => number; stop: () => void } {
  const proto = AbstractLevel.prototype;
  const attach = proto.attachResource;
  const detach = proto.detachResource;
  let opened = 0;
  let closed = 0;
  proto.attachResource = function (resource) {
    if (isIterator(resource)) opened++;
    attach.call(this, resource);
  };
  proto.detachResource = function (resource) {
    if (isIterator(resource)) closed++;
    detach.call(this, resource);
  };
  return {
    opened: () => opened,
    closed: () => closed,
    stop: () => {
      proto.attachResource = attach;
      proto.detachResource = detach;
    },
  };
}

export interface WriteProbe {
  /** Writes (put, del or batch calls) reaching LevelDB since the probe was installed. */
  writes(): number;
  /** From now on, the process "dies" after `n` more writes: later writes never reach the store and fail. */
  killAfter(n: number): void;
  /** The database the writes went to (the store's main LevelDB). */
  db(): LevelDb;
  uninstall(): void;
}

/** Shaped as a dynalite error so it answers 500 instead of throwing out of the request handler. */
function killed(): Error {
  return Object.assign(new Error('killed: this write never reached the store'), {
    statusCode: 500,
    body: { __type: 'com.amazon.coral.service#InternalFailure', message: 'simulated kill' },
  });
}

/**
 * Must be installed before the store is created: dynalite binds the write methods when it
 * opens its database.
 */
export function installWriteProbe(): WriteProbe {
  const proto = AbstractLevel.prototype;
  const originals = { put: proto.put, del: proto.del, batch: proto.batch };
  let writes = 0;
  let allowed = Number.POSITIVE_INFINITY;
  let target: LevelDb | undefined;
  for (const name of ['put', 'del', 'batch'] as const) {
    const original = originals[name];
    proto[name] = function (this: LevelDb, ...args: unknown[]) {
      target = this;
      if (allowed <= 0) return Promise.reject(killed());
      allowed--;
      writes++;
      return original.apply(this, args);
    };
  }
  return {
    writes: () => writes,
    killAfter: (n) => {
      allowed = n;
    },
    db: () => {
      if (target === undefined) throw new Error('no write has reached the store yet');
      return target;
    },
    uninstall: () => Object.assign(proto, originals),
  };
}

type AttributeValue = Record<string, unknown>;
type StoredItem = Record<string, AttributeValue>;
interface TableDescription {
  readonly TableName: string;
  readonly KeySchema: unknown;
  readonly LocalSecondaryIndexes?: readonly IndexDescription[];
  readonly GlobalSecondaryIndexes?: readonly IndexDescription[];
}
interface IndexDescription {
  readonly IndexName: string;
  readonly KeySchema: readonly { readonly AttributeName: string }[];
}

const codec = requireFromDynalite('./db/index.js') as {
  createKey(item: StoredItem, table: TableDescription, keySchema?: unknown): string;
  createIndexKey(item: StoredItem, table: TableDescription, keySchema: unknown): string;
};

/**
 * Every index entry of the table that has no item behind it, and every index entry an item
 * should have and does not, as readable strings (empty when the store is consistent).
 */
export async function indexInconsistencies(db: LevelDb, tableName: string): Promise<string[]> {
  const all = new Map<string, unknown>();
  const iterator = db.iterator();
  try {
    for (let entry = await iterator.next(); entry !== undefined; entry = await iterator.next()) all.set(entry[0], entry[1]);
  } finally {
    await iterator.close();
  }
  const table = all.get(`table~${tableName}`) as TableDescription | undefined;
  if (table === undefined) throw new Error(`no table ${tableName}`);
  const itemPrefix = `item-${tableName}~`;
  const indexes = [
    ...(table.LocalSecondaryIndexes ?? []).map((index) => ({ index, prefix: `index-local~${tableName}~${index.IndexName}~` })),
    ...(table.GlobalSecondaryIndexes ?? []).map((index) => ({ index, prefix: `index-global~${tableName}~${index.IndexName}~` })),
  ];
  const problems: string[] = [];
  for (const [key, value] of all) {
    if (key.startsWith(itemPrefix)) {
      const item = value as StoredItem;
      for (const { index, prefix } of indexes) {
        if (!index.KeySchema.every((k) => item[k.AttributeName] !== undefined)) continue;
        if (!all.has(prefix + codec.createIndexKey(item, table, index.KeySchema))) problems.push(`item ${key} lacks its ${index.IndexName} entry`);
      }
    }
    for (const { index, prefix } of indexes) {
      if (!key.startsWith(prefix)) continue;
      const item = all.get(itemPrefix + codec.createKey(value as StoredItem, table)) as StoredItem | undefined;
      if (item === undefined) problems.push(`${index.IndexName} entry ${key} has no item`);
      else if (!index.KeySchema.every((k) => item[k.AttributeName] !== undefined) || prefix + codec.createIndexKey(item, table, index.KeySchema) !== key) {
        problems.push(`${index.IndexName} entry ${key} is stale: its item no longer has that index key`);
      }
    }
  }
  return problems;
}
