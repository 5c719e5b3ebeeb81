/**
 * Local-development overrides, honoured only when the process runs with LOCAL_DEV=1 (set by
 * local/main.ts, never by CDK). Deployed functions ignore these headers entirely: a header
 * can never change who the caller is or what day it is in a deployed stack, and ignoring
 * (rather than refusing) them keeps a deployed API's behaviour free of any dev-mode branch
 * a caller could probe.
 */
import { ValidationError } from '#domain/errors.ts';
import { isBusinessDate, type BusinessDate } from '#domain/calendar.ts';
import { singleHeader, type RequestHeaders } from './headers.ts';
import { PRINCIPAL_ID_PATTERN, type Principal } from './principal.ts';

export const DEV_PRINCIPAL_HEADER = 'x-dev-principal';
export const DEV_BUSINESS_DATE_HEADER = 'x-dev-business-date';

const DEV_PRINCIPAL_FORMAT = 'must be channel:<id>, sme:<borrowerId> or ops:<id>';

/** `channel:<id>` | `sme:<borrowerId>` | `ops:<id>` → the principal a deployed stack would resolve. */
export function devPrincipal(headers: RequestHeaders): Principal | undefined {
  const value = singleHeader(headers, DEV_PRINCIPAL_HEADER);
  if (value === undefined) return undefined;
  const separator = value.indexOf(':');
  const role = value.slice(0, separator);
  const id = value.slice(separator + 1);
  if (separator < 0 || !PRINCIPAL_ID_PATTERN.test(id)) throw ValidationError.of(`header.${DEV_PRINCIPAL_HEADER}`, DEV_PRINCIPAL_FORMAT);
  switch (role) {
    case 'channel':
    case 'ops':
      return { role, id };
    case 'sme':
      return { role, id, borrowerId: id };
    default:
      throw ValidationError.of(`header.${DEV_PRINCIPAL_HEADER}`, DEV_PRINCIPAL_FORMAT);
  }
}

/** A business date to pretend it is, so demos can walk through months in minutes. */
export function devBusinessDate(headers: RequestHeaders): BusinessDate | undefined {
  const value = singleHeader(headers, DEV_BUSINESS_DATE_HEADER);
  if (value === undefined) return undefined;
  if (!isBusinessDate(value)) throw ValidationError.of(`header.${DEV_BUSINESS_DATE_HEADER}`, 'must be a calendar date YYYY-MM-DD');
  return value;
}
