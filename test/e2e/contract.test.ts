/** The contract check every e2e response goes through (./contract.ts) refuses what the document does not say. */
import { describe, expect, it } from 'vitest';
import { contractViolations } from './contract.ts';

const problem = (status: number, code: string) => JSON.stringify({ type: `https://errors.credit.example/${code}`, title: code, status, detail: 'd', code });
const lpr = { method: 'PUT', path: '/v1/ops/lpr/2026-01-20' } as const;

describe('the e2e contract check', () => {
  it('accepts a documented success and a documented problem', () => {
    expect(contractViolations({ ...lpr, status: 200, contentType: 'application/json', text: JSON.stringify({ date: '2026-01-20', oneYear: '3.0000', fiveYear: '3.5000' }) })).toEqual([]);
    expect(contractViolations({ ...lpr, status: 403, contentType: 'application/problem+json', text: problem(403, 'forbidden') })).toEqual([]);
  });

  it('refuses a body that does not match the schema (a rate with 2 decimals, a missing field)', () => {
    expect(contractViolations({ ...lpr, status: 200, contentType: 'application/json', text: JSON.stringify({ date: '2026-01-20', oneYear: '3.00', fiveYear: '3.5000' }) })).not.toEqual([]);
    expect(contractViolations({ ...lpr, status: 200, contentType: 'application/json', text: JSON.stringify({ date: '2026-01-20', oneYear: '3.0000' }) })).not.toEqual([]);
  });

  it('refuses an undocumented status, a problem in plain JSON, and an unknown problem code', () => {
    expect(contractViolations({ ...lpr, status: 201, contentType: 'application/json', text: '{}' })).toEqual([expect.stringMatching(/ops-put-lpr answered 201, which its operation does not document/)]);
    expect(contractViolations({ ...lpr, status: 403, contentType: 'application/json', text: problem(403, 'forbidden') })).toEqual([expect.stringMatching(/content-type is application\/json/)]);
    expect(contractViolations({ ...lpr, status: 403, contentType: 'application/problem+json', text: problem(403, 'no-such-code') })).not.toEqual([]);
  });

  it("holds the router's own answers to problem documents: 404 and 405 only", () => {
    expect(contractViolations({ method: 'GET', path: '/v1/nothing', status: 404, contentType: 'application/problem+json', text: problem(404, 'not-found') })).toEqual([]);
    expect(contractViolations({ method: 'GET', path: '/v1/nothing', status: 500, contentType: 'application/problem+json', text: problem(500, 'internal-error') })).not.toEqual([]);
  });
});
