/**
 * What every handler passes to the use-cases: who is calling (for the journal's actor and the
 * SME ownership rule) and the command's business date and Idempotency-Key.
 */
import type { Principal } from '#http/principal.ts';

export function actorOf(principal: Principal): string {
  return `${principal.role}:${principal.id}`;
}

/** The use-case context of a command. */
export function commandContext(ctx: { principal: Principal; businessDate: string; idempotencyKey: string }) {
  return { date: ctx.businessDate, idempotencyKey: ctx.idempotencyKey, actor: actorOf(ctx.principal) };
}

/** An SME may only see its own borrower's facilities; channels and ops see all. */
export function ownerScope(principal: Principal): { borrowerId?: string } {
  return principal.role === 'sme' && principal.borrowerId !== undefined ? { borrowerId: principal.borrowerId } : {};
}
