/**
 * The SME self-service app (mobile first, Chinese by default): sign in, my lines, a line's
 * statement and activity, the renewal preview with every check explained, apply, and the result.
 */
import { useMemo, useState } from 'preact/hooks';
import { createApi, newKey, type Api } from '../shared/api.ts';
import { Auth, type Session } from '../shared/auth.ts';
import { Chart } from '../shared/chart.tsx';
import { checkName, reasonText } from '../shared/checks.ts';
import { boot } from '../shared/boot.tsx';
import type { SiteConfig } from '../shared/config.ts';
import { addDays, date, epochSeconds, nextSettlementDate, percent, yuan, yuanForChart } from '../shared/format.ts';
import { go, useHashPath, useLoad } from '../shared/hooks.ts';
import { initialLang, LangContext, rememberLang, useLang, useMessages, type Lang } from '../shared/i18n.ts';
import { domainEvents, type DomainEvent } from '../shared/journal.ts';
import { parseYuan } from '#domain/money.ts';
import { fenToYuan } from '../shared/money.ts';
import type { Check, Facilities, Facility, Events, JournalEntry, Renewal, RenewalCheck, Statement } from '../shared/types.ts';
import { Badge, ErrorNote, Field, Figure, HostedSignIn, Loading, TopBar } from '../shared/ui.tsx';
import '../shared/style.css';
import { MESSAGES } from './messages.ts';

/** Days of statement the line page charts (a month and a bit). */
const STATEMENT_DAYS = 30;
/** Journal pages read for the activity list (100 events each). */
const MAX_EVENT_PAGES = 5;

function App({ config, auth, initial }: { config: SiteConfig; auth: Auth; initial: Session | null }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [session, setSession] = useState<Session | null>(initial);
  const setLang = (l: Lang) => {
    rememberLang(l);
    setLangState(l);
  };
  const api = useMemo(() => (session === null ? null : createApi(config.apiBase, session.credentials, () => lang)), [session, lang, config]);
  return (
    <LangContext.Provider value={{ lang, setLang }}>
      <Header session={session} onSignOut={async () => { await session?.signOut(); setSession(null); go('/'); }} />
      <main id="main">{session === null || api === null ? <SignIn config={config} auth={auth} onSignedIn={setSession} /> : <Routes api={api} />}</main>
    </LangContext.Provider>
  );
}

function Header({ session, onSignOut }: { session: Session | null; onSignOut: () => void }) {
  const m = useMessages(MESSAGES);
  return <TopBar title={m.appTitle} home="#/" session={session} signOutLabel={m.signOut} onSignOut={onSignOut} />;
}

function SignIn({ config, auth, onSignedIn }: { config: SiteConfig; auth: Auth; onSignedIn: (s: Session) => void }) {
  const m = useMessages(MESSAGES);
  const borrowers = config.demo?.borrowers ?? [];
  const [borrower, setBorrower] = useState(borrowers[0]?.id ?? '');
  const [businessDate, setBusinessDate] = useState(config.demo?.businessDate ?? '');
  if (auth.mode === 'cognito') return <HostedSignIn title={m.signInTitle} intro={m.signInHostedIntro} action={m.signInHosted} onSignIn={() => void auth.signInHosted()} />;
  return (
    <form
      class="card narrow"
      onSubmit={(e) => {
        e.preventDefault();
        onSignedIn(auth.signInLocal({ principal: `sme:${borrower}`, businessDate }));
      }}
    >
      <h2>{m.signInTitle}</h2>
      <p>{m.signInLocalIntro}</p>
      <fieldset>
        <legend>{m.borrower}</legend>
        {borrowers.map((b) => (
          <label class="choice" key={b.id}>
            <input type="radio" name="borrower" value={b.id} checked={borrower === b.id} onChange={() => setBorrower(b.id)} />
            <span>
              {b.name} <small>{b.id}</small>
            </span>
          </label>
        ))}
      </fieldset>
      <Field label={m.businessDate}>{(id) => <input id={id} type="date" value={businessDate} onInput={(e) => setBusinessDate(e.currentTarget.value)} />}</Field>
      <button type="submit" class="primary">
        {m.signIn}
      </button>
    </form>
  );
}

function Routes({ api }: { api: Api }) {
  const path = useHashPath();
  const renewal = /^\/lines\/([^/]+)\/renewal$/.exec(path);
  if (renewal?.[1] !== undefined) return <RenewalPage api={api} facilityId={renewal[1]} />;
  const line = /^\/lines\/([^/]+)$/.exec(path);
  if (line?.[1] !== undefined) return <LinePage api={api} facilityId={line[1]} />;
  return <LinesPage api={api} />;
}

function LinesPage({ api }: { api: Api }) {
  const m = useMessages(MESSAGES);
  const lines = useLoad(() => api.get<Facilities>('/v1/me/facilities'), [api]);
  return (
    <section>
      <h2>{m.myLines}</h2>
      <ErrorNote error={lines.error} />
      {lines.loading && lines.data === undefined ? <Loading label={m.loading} /> : null}
      {lines.data?.items.length === 0 ? <p>{m.noLines}</p> : null}
      {lines.data?.items.map((f) => <LineCard key={f.facilityId} api={api} facility={f} />)}
    </section>
  );
}

/** Status, figures and the next settlement of one line. */
function LineFigures({ api, facility: f }: { api: Api; facility: Facility }) {
  const m = useMessages(MESSAGES);
  const { lang } = useLang();
  const settlementDate = nextSettlementDate(f.asOf);
  // The interest the next settlement would book if nothing else happens: the line valued as of that day.
  const settlement = useLoad(() => api.get<Facility>(`/v1/me/facilities/${encodeURIComponent(f.facilityId)}`, { query: { asOf: settlementDate } }), [api, f.facilityId, settlementDate, f.asOf, f.principalOutstanding]);
  return (
    <dl class="figures">
      <Figure term={m.limit} value={yuan(f.limit)} />
      <Figure term={m.available} value={yuan(f.available)} testId="available" strong />
      <Figure term={m.outstanding} value={yuan(f.principalOutstanding)} testId="outstanding" />
      <Figure term={m.accrued} value={yuan(f.accruedInterest)} />
      <Figure term={m.nextSettlement} value={date(settlementDate, lang)} testId="next-settlement-date" />
      <Figure term={m.nextSettlementAmount} value={settlement.data === undefined ? '…' : yuan(settlement.data.accruedInterest)} testId="next-settlement-amount" />
      <Figure term={m.payableToday} value={<span title={m.payableTodayHint}>{yuan(f.payableToday)}</span>} testId="payable-today" strong />
      <Figure term={m.maturity} value={date(f.maturityDate, lang)} testId="maturity" />
      <Figure term={m.rate} value={f.drawdowns.length === 0 ? '—' : f.drawdowns.map((d) => percent(d.ratePercent)).filter((r, i, all) => all.indexOf(r) === i).join(' / ')} testId="rate" />
    </dl>
  );
}

function StatusBadge({ facility }: { facility: Facility }) {
  const m = useMessages(MESSAGES);
  const tone = facility.status === 'ACTIVE' ? 'ok' : facility.status === 'FROZEN' ? 'warn' : 'info';
  return (
    <>
      <Badge tone={tone}>{m.status[facility.status] ?? facility.status}</Badge>
      {facility.pendingRenewal === null ? null : <Badge tone="warn">{m.pending}</Badge>}
    </>
  );
}

function LineCard({ api, facility: f }: { api: Api; facility: Facility }) {
  const m = useMessages(MESSAGES);
  return (
    <article class="card" data-testid={`line-${f.facilityId}`}>
      <h3>
        {m.facility} {f.facilityId} <StatusBadge facility={f} />
      </h3>
      <LineFigures api={api} facility={f} />
      <p class="actions">
        <a class="button" href={`#/lines/${encodeURIComponent(f.facilityId)}`}>
          {m.details}
        </a>
        <a class="button primary" href={`#/lines/${encodeURIComponent(f.facilityId)}/renewal`}>
          {m.checkRenewal}
        </a>
      </p>
    </article>
  );
}

function LinePage({ api, facilityId }: { api: Api; facilityId: string }) {
  const m = useMessages(MESSAGES);
  const path = `/v1/me/facilities/${encodeURIComponent(facilityId)}`;
  const line = useLoad(() => api.get<Facility>(path), [api, path]);
  const events = useLoad(() => allEvents(api, `${path}/events`), [api, path]);
  const f = line.data;
  return (
    <section>
      <p>
        <a href="#/">← {m.back}</a>
      </p>
      <ErrorNote error={line.error ?? events.error} />
      {f === undefined ? (
        <Loading label={m.loading} />
      ) : (
        <>
          <article class="card">
            <h2>
              {m.facility} {f.facilityId} <StatusBadge facility={f} />
            </h2>
            <LineFigures api={api} facility={f} />
          </article>
          <RenewalStatus events={events.data ?? []} facility={f} />
          <article class="card">
            <h3>{m.renewal}</h3>
            <p>{m.renewalIntro}</p>
            <a class="button primary" href={`#/lines/${encodeURIComponent(f.facilityId)}/renewal`}>
              {m.checkRenewal}
            </a>
          </article>
          <StatementCard api={api} facility={f} />
          <Activity events={events.data} />
        </>
      )}
    </section>
  );
}

async function allEvents(api: Api, path: string): Promise<JournalEntry[]> {
  const items: JournalEntry[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_EVENT_PAGES; page++) {
    const result: Events = await api.get<Events>(path, { query: { limit: '100', cursor } });
    items.push(...result.items);
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  return items;
}

function StatementCard({ api, facility: f }: { api: Api; facility: Facility }) {
  const m = useMessages(MESSAGES);
  const { lang } = useLang();
  const to = f.asOf;
  const earliest = addDays(to, -(STATEMENT_DAYS - 1));
  const from = earliest < f.effectiveDate ? f.effectiveDate : earliest;
  const statement = useLoad(
    () => api.get<Statement>(`/v1/me/facilities/${encodeURIComponent(f.facilityId)}/statement`, { query: { from, to } }),
    [api, f.facilityId, from, to],
  );
  const chart = useMemo(() => {
    const rows = statement.data?.rows ?? [];
    return {
      x: rows.map((r) => epochSeconds(r.date)),
      series: [
        { label: m.principalSeries, values: rows.map((r) => yuanForChart(r.principal)), color: '#1f5fbf' },
        { label: m.interestSeries, values: rows.map((r) => Number(r.interestForDay)), color: '#c0392b', axis: 'right' as const, bars: true },
      ],
    };
  }, [statement.data, m]);
  return (
    <article class="card">
      <h3>{m.statement}</h3>
      <ErrorNote error={statement.error} />
      {statement.data === undefined ? <Loading label={m.loading} /> : <Chart title={m.statementChart(date(from, lang), date(to, lang))} x={chart.x} series={chart.series} testId="statement-chart" />}
    </article>
  );
}

/** Journal events an SME recognises, with the amount each moved. */
function Activity({ events }: { events: JournalEntry[] | undefined }) {
  const m = useMessages(MESSAGES);
  const { lang } = useLang();
  const shown = domainEvents(events ?? []).filter((e) => m.events[e.type] !== undefined).reverse();
  return (
    <article class="card">
      <h3>{m.activity}</h3>
      {events === undefined ? <Loading label={m.loading} /> : null}
      {events !== undefined && shown.length === 0 ? <p>{m.noActivity}</p> : null}
      {shown.length === 0 ? null : (
        <table class="list" data-testid="activity">
          <thead>
            <tr>
              <th scope="col">{m.date}</th>
              <th scope="col">{m.kind}</th>
              <th scope="col" class="num">
                {m.amount}
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={`${e.seq}.${e.index}`}>
                <td>{date(e.date, lang)}</td>
                <td>{m.events[e.type]}</td>
                <td class="num">{yuan(eventAmount(e))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}

/** The amount an event moved: event data is in the API's units (yuan strings; docs/journal.md). */
function eventAmount(e: DomainEvent): string | undefined {
  const data = e.data;
  switch (e.type) {
    case 'DrawdownMade':
    case 'RepaymentApplied':
    case 'InterestOverdue':
      return yuanOf(data['amount']);
    case 'InterestSettled':
      return sumYuan([data['interest'], data['penalty']]);
    case 'LimitChanged':
      return yuanOf(data['to']);
    default:
      return undefined;
  }
}

function yuanOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Adds yuan strings through fen (the domain's one money parser), never through floats. */
function sumYuan(values: readonly unknown[]): string | undefined {
  let fen = 0;
  for (const value of values) if (typeof value === 'string') fen += parseYuan(value);
  return fenToYuan(fen);
}

const RENEWAL_EVENTS = ['RenewalReferred', 'RenewalApproved', 'FacilityRenewed', 'RenewalRejected', 'RenewalDeclined', 'RenewalExpired', 'RenewalLapsed'];

/** The latest renewal application's outcome: the approved contract on the line, else the journal's last renewal event. */
function RenewalStatus({ events, facility }: { events: JournalEntry[]; facility: Facility }) {
  const m = useMessages(MESSAGES);
  const { lang } = useLang();
  const contract = facility.renewalContract;
  const last = domainEvents(events).reverse().find((e) => RENEWAL_EVENTS.includes(e.type));
  const body = ((): { title: string; text: string; tone: 'ok' | 'warn' | 'bad' } | null => {
    if (contract !== null) {
      return { title: m.approvedTitle, text: m.approvedText(date(contract.newMaturityDate, lang), percent(contract.ratePercent), date(contract.executesOn, lang)), tone: 'ok' };
    }
    if (last === undefined) return null;
    const data = last.data;
    switch (last.type) {
      case 'FacilityRenewed':
        return { title: m.renewedTitle, text: m.renewedText(date(facility.maturityDate, lang), percent(yuanOf(data['newRatePercent']))), tone: 'ok' };
      case 'RenewalReferred':
        return { title: m.referredTitle, text: m.referredText(date(yuanOf(data['oldMaturityDate']) ?? facility.maturityDate, lang)), tone: 'warn' };
      case 'RenewalDeclined':
        return { title: m.declinedTitle, text: m.declinedText(String(data['note'] ?? '')), tone: 'bad' };
      case 'RenewalExpired':
        return { title: m.expiredTitle, text: m.expiredText, tone: 'bad' };
      case 'RenewalLapsed':
        return { title: m.lapsedTitle, text: m.lapsedText, tone: 'bad' };
      case 'RenewalApproved':
        return null;
      default:
        return { title: m.rejectedTitle, text: m.rejectedText, tone: 'bad' };
    }
  })();
  if (body === null) return null;
  return (
    <article class={`card outcome ${body.tone}`} data-testid="renewal-status" aria-live="polite">
      <h3>
        {m.renewalStatus}: {body.title}
      </h3>
      <p>{body.text}</p>
      {contract === null ? null : (
        <dl class="figures">
          <Figure term={m.newMaturity} value={date(contract.newMaturityDate, lang)} testId="contract-maturity" />
          <Figure term={m.newRate} value={percent(contract.ratePercent)} testId="contract-rate" />
          <Figure term={m.executesOn} value={date(contract.executesOn, lang)} />
        </dl>
      )}
    </article>
  );
}

function CheckItem({ check }: { check: Check }) {
  const m = useMessages(MESSAGES);
  const { lang } = useLang();
  const name = checkName(check.code, lang);
  const says = reasonText(check.reason, check.params, lang);
  const tone = check.outcome === 'PASS' ? 'ok' : check.outcome === 'REFER' ? 'warn' : 'bad';
  return (
    <li class={`check ${tone}`} data-testid={`check-${check.code}`} data-outcome={check.outcome} data-reason={check.reason}>
      <div class="check-head">
        <Badge tone={tone}>{m.outcome[check.outcome]}</Badge> <strong>{name.name}</strong>
      </div>
      <p>{name.meaning}</p>
      {says === undefined ? null : (
        <p class={check.outcome === 'PASS' ? undefined : 'todo'}>
          {check.outcome === 'PASS' ? null : <strong>{m.whatToDo}</strong>}
          {says}
        </p>
      )}
      {check.outcome === 'PASS' && says !== undefined ? null : (
        <p class="detail">
          {m.bankSays}
          <span lang="en">{check.detail}</span>
        </p>
      )}
    </li>
  );
}

function RenewalPage({ api, facilityId }: { api: Api; facilityId: string }) {
  const m = useMessages(MESSAGES);
  const { lang } = useLang();
  const base = `/v1/me/facilities/${encodeURIComponent(facilityId)}`;
  const line = useLoad(() => api.get<Facility>(base), [api, base]);
  const preview = useLoad(() => api.post<RenewalCheck>(`${base}/renewal-checks`), [api, base]);
  // One key per application intent: a retry after a network failure cannot apply twice.
  const [key] = useState(newKey);
  const [result, setResult] = useState<Renewal | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const apply = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api.post<Renewal>(`${base}/renewals`, { key }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const p = preview.data;
  const shownChecks = result?.checks ?? p?.checks ?? [];
  const order = { REJECT: 0, REFER: 1, PASS: 2 } as const;
  const sorted = [...shownChecks].sort((a, b) => order[a.outcome] - order[b.outcome]);
  return (
    <section>
      <p>
        <a href={`#/lines/${encodeURIComponent(facilityId)}`}>← {facilityId}</a>
      </p>
      <h2>{m.renewalPreview}</h2>
      <ErrorNote error={preview.error ?? line.error ?? error} />
      {p === undefined ? <Loading label={m.loading} /> : null}
      {result === undefined ? null : <ApplyResult result={result} oldMaturity={line.data?.maturityDate} />}
      {p === undefined || result !== undefined ? null : (
        <article class={`card outcome ${p.decision === 'APPROVED' ? 'ok' : p.decision === 'REFERRED' ? 'warn' : 'bad'}`}>
          <h3 data-testid="decision" data-decision={p.decision}>
            {m.decision[p.decision]}
          </h3>
          <dl class="figures">
            <Figure term={m.newMaturity} value={date(p.proposal.newMaturityDate, lang)} testId="proposed-maturity" />
            <Figure term={m.newRate} value={percent(p.proposal.ratePercent)} testId="proposed-rate" />
          </dl>
          {p.decision === 'REJECTED' ? null : (
            <button type="button" class="primary" disabled={busy} onClick={() => void apply()}>
              {busy ? m.applying : m.apply}
            </button>
          )}
        </article>
      )}
      {sorted.length === 0 ? null : (
        <ul class="checks" aria-label={m.renewalPreview}>
          {sorted.map((c) => (
            <CheckItem key={c.code} check={c} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ApplyResult({ result, oldMaturity }: { result: Renewal; oldMaturity: string | undefined }) {
  const m = useMessages(MESSAGES);
  const { lang } = useLang();
  const content = ((): { title: string; text: string; tone: string } => {
    switch (result.status) {
      case 'APPROVED':
        return { title: m.approvedTitle, text: m.approvedText(date(result.proposal.newMaturityDate, lang), percent(result.proposal.ratePercent), date(result.facility.maturityDate, lang)), tone: 'ok' };
      case 'REFERRED':
        return { title: m.referredTitle, text: m.referredText(date(oldMaturity ?? result.facility.maturityDate, lang)), tone: 'warn' };
      default:
        return { title: m.rejectedTitle, text: m.rejectedText, tone: 'bad' };
    }
  })();
  return (
    <article class={`card outcome ${content.tone}`} data-testid="apply-result" data-status={result.status} aria-live="polite">
      <h3>
        {m.result}: {content.title}
      </h3>
      <p>{content.text}</p>
      {result.status === 'APPROVED' ? (
        <dl class="figures">
          <Figure term={m.newMaturity} value={date(result.proposal.newMaturityDate, lang)} testId="new-maturity" />
          <Figure term={m.newRate} value={percent(result.proposal.ratePercent)} testId="new-rate" />
        </dl>
      ) : null}
      <a class="button" href={`#/lines/${encodeURIComponent(result.facility.facilityId)}`}>
        {m.details}
      </a>
    </article>
  );
}

void boot('sme', App);
