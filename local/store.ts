/**
 * HOOK — the embedded DynamoDB-compatible store for `npm start`. Not implemented yet: the
 * ledger work adds it here (start dynalite, create the table from the ledger's one table
 * schema, and set the table name and endpoint environment variables). It must finish before
 * the server loads any handler, because handlers read their environment at init.
 */
export interface LocalStore {
  stop(): Promise<void>;
}

export async function startLocalStore(): Promise<LocalStore> {
  console.log('[local] store: NOT STARTED — startLocalStore() in local/store.ts is a placeholder until the embedded store is added');
  return { stop: async () => undefined };
}
