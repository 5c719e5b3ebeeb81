/** Who is calling: the result of authentication, independent of how the caller proved it. */

export type Role = 'channel' | 'ops' | 'sme' | 'anonymous';

export const ROLES: readonly Role[] = ['channel', 'ops', 'sme', 'anonymous'];

export interface Principal {
  readonly role: Role;
  /** Channel or ops system id from configuration, the Cognito `sub` for an SME, 'anonymous' otherwise. */
  readonly id: string;
  /** Set for SMEs only: the borrower whose facilities they may see. */
  readonly borrowerId?: string;
}

export const ANONYMOUS: Principal = { role: 'anonymous', id: 'anonymous' };

/** Channel, ops and borrower ids: 1–64 characters of [A-Za-z0-9._-]. */
export const PRINCIPAL_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The `channel` metric dimension: the channel's id for channels (a small configured set),
 * the role otherwise. Never a borrower id: that would be personal data and unbounded cardinality.
 */
export function channelOf(principal: Principal): string {
  return principal.role === 'channel' ? principal.id : principal.role;
}
