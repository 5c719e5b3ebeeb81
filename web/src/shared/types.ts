/** The API's wire types, taken from the same zod schemas the handlers answer with: a changed contract does not compile here. */
import type { input } from 'zod/v4/core';
import type { EventsPage, FacilityList, FacilityView, StatementResponse } from '#api/facilities.ts';
import type { DecisionView, EodReportView, LprList, ProfileRequest, ProfileView, RenewalCheckView, RenewalsPage, RenewalView } from '#api/ops.ts';

export type Facility = input<typeof FacilityView>;
export type Facilities = input<typeof FacilityList>;
export type Statement = input<typeof StatementResponse>;
export type Events = input<typeof EventsPage>;
export type JournalEntry = Events['items'][number];
export type RenewalCheck = input<typeof RenewalCheckView>;
export type Renewal = input<typeof RenewalView>;
export type Check = RenewalCheck['checks'][number];
export type Renewals = input<typeof RenewalsPage>;
export type Decision = input<typeof DecisionView>;
export type Lprs = input<typeof LprList>;
export type Profile = input<typeof ProfileView>;
export type ProfileInput = input<typeof ProfileRequest>;
export type EodReport = input<typeof EodReportView>;
