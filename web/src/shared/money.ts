/** Fen (an integer) as a yuan string like the API's: "-5.10", "300000.00". */
export function fenToYuan(fen: unknown): string | undefined {
  if (typeof fen !== 'number' || !Number.isSafeInteger(fen)) return undefined;
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
