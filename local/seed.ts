/**
 * HOOK — demo data for `npm start` (facilities, borrower profiles, LPR fixings). Not
 * implemented yet: it is added together with the store in local/store.ts.
 */
export async function seedDemo(): Promise<void> {
  console.log('[local] seed: NOTHING SEEDED — seedDemo() in local/seed.ts is a placeholder until demo data is added');
}
