/**
 * Direct access to the embedded store's LevelDB files, to build states the DynamoDB API cannot
 * produce, such as an index entry whose item was never written (an emulator killed between its
 * two writes). Only on a stopped store: LevelDB allows one process, one open handle.
 */
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);
// Resolve `level` and dynalite's key codec from dynalite itself: the same versions it writes with.
const requireFromDynalite = createRequire(requireFromHere.resolve('dynalite'));

type AttributeValue = { readonly S: string };
type Item = Record<string, AttributeValue>;

interface TableDescription {
  readonly TableName: string;
  readonly LocalSecondaryIndexes?: readonly { readonly IndexName: string; readonly KeySchema: unknown }[];
}

interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}

const { Level } = requireFromDynalite('level') as { Level: new (path: string, options: { valueEncoding: 'json' }) => LevelDb };
const codec = requireFromDynalite('./db/index.js') as { createIndexKey(item: Item, table: TableDescription, keySchema: unknown): string };

/**
 * Writes the local-index entry dynalite would write for `item` (its keys and the index's sort
 * key: a KEYS_ONLY projection), without the item itself.
 */
export async function writeOrphanLocalIndexEntry(path: string, tableName: string, indexName: string, item: Item): Promise<void> {
  const db = new Level(path, { valueEncoding: 'json' });
  await db.open();
  try {
    const table = (await db.get(`table~${tableName}`)) as TableDescription | undefined;
    if (table === undefined) throw new Error(`no table ${tableName} in ${path}`);
    const index = table.LocalSecondaryIndexes?.find((candidate) => candidate.IndexName === indexName);
    if (index === undefined) throw new Error(`no local index ${indexName} on ${tableName}`);
    await db.put(`index-local~${tableName}~${indexName}~${codec.createIndexKey(item, table, index.KeySchema)}`, item);
  } finally {
    await db.close();
  }
}
