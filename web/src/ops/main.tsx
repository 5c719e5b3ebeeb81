/**
 * The operations console (desktop, Chinese and English): the renewal review queue, LPR
 * fixings, borrower profiles, and end of day with its report, charts and CSV.
 */
import { useMemo, useState } from 'preact/hooks';
import { parseBusinessDate } from '#domain/calendar.ts';
import { ValidationError, type FieldIssue } from '#domain/errors.ts';
import { parseYuan } from '#domain/money.ts';
import { BORROWER_TYPES, COLLATERAL_TYPES, ENTERPRISE_SIZES, REGISTRATION_STATUSES, TAX_RATINGS } from '#domain/profile.ts';
import { parsePercent } from '#domain/rates.ts';
import { RENEWAL_QUEUE_STATUSES } from '#domain/renewal-checks.ts';
import { BY_CHECKS } from '#domain/renewal-commands.ts';
import { ApiError, createApi, newKey, type Api } from '../shared/api.ts';
import { Auth, type Session } from '../shared/auth.ts';
import { Chart } from '../shared/chart.tsx';
import { checkName, reasonText } from '../shared/checks.ts';
import { boot } from '../shared/boot.tsx';
import type { SiteConfig } from '../shared/config.ts';
import { addDays, date, epochSeconds, percent, yuan, yuanForChart } from '../shared/format.ts';
import { go, useHashPath, useLoad } from '../shared/hooks.ts';
import { initialLang, LangContext, rememberLang, useLang, useMessages, type Lang } from '../shared/i18n.ts';
import type { Decision, Facility, Lprs, Profile, ProfileInput, Renewals } from '../shared/types.ts';
import { Badge, ErrorNote, Field, Figure, HostedSignIn, Loading, TopBar } from '../shared/ui.tsx';
import '../shared/style.css';
import { MESSAGES } from './messages.ts';
import { CLASSES, reportRows, toCsv, type Report } from './report.ts';

/** Days of stored reports the trend charts read back (one GET each, in parallel). */
const TREND_DAYS = 14;
/** 5 bp in ppm: LPR fixings move in these steps. */
const LPR_STEP_PPM = 500;
const REVIEW_STATUSES = RENEWAL_QUEUE_STATUSES;

type Page = 'reviews' | 'lpr' | 'borrowers' | 'eod';
const PAGES: readonly Page[] = ['reviews', 'lpr', 'borrowers', 'eod'];

function App({ config, auth, initial }: { config: SiteConfig; auth: Auth; initial: Session | null }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [session, setSession] = useState<Session | null>(initial);
  const setLang = (l: Lang) => {
    rememberLang(l);
    setLangState(l);
  };
  const api = useMemo(() => (session === null ? null : createApi(`${config.apiBase}${config.opsApiPrefix}`, session.credentials, () => lang)), [session, lang, config]);
  const m = MESSAGES[lang];
  return (
    <LangContext.Provider value={{ lang, setLang }}>
      <TopBar title={m.appTitle} home="#/reviews" session={session} signOutLabel={m.signOut} onSignOut={() => void session?.signOut().then(() => setSession(null))} />
      {session === null || api === null ? (
        <main id="main">
          <SignIn config={config} auth={auth} onSignedIn={setSession} />
        </main>
      ) : (
        <Console api={api} session={session} />
      )}
    </LangContext.Provider>
  );
}

function SignIn({ config, auth, onSignedIn }: { config: SiteConfig; auth: Auth; onSignedIn: (s: Session) => void }) {
  const m = useMessages(MESSAGES);
  const users = config.demo?.opsUsers ?? ['ops-desk'];
  const [user, setUser] = useState(users[0] ?? 'ops-desk');
  const [businessDate, setBusinessDate] = useState(config.demo?.businessDate ?? '');
  if (auth.mode === 'cognito') return <HostedSignIn title={m.signInTitle} intro={m.signInHostedIntro} action={m.signInHosted} onSignIn={() => void auth.signInHosted()} />;
  return (
    <form
      class="card narrow"
      onSubmit={(e) => {
        e.preventDefault();
        onSignedIn(auth.signInLocal({ principal: `ops:${user}`, businessDate }));
        go('/reviews');
      }}
    >
      <h2>{m.signInTitle}</h2>
      <p>{m.signInLocalIntro}</p>
      <Field label={m.opsUser}>
        {(id) => (
          <select id={id} value={user} onChange={(e) => setUser(e.currentTarget.value)}>
            {users.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={m.businessDate}>{(id) => <input id={id} type="date" value={businessDate} onInput={(e) => setBusinessDate(e.currentTarget.value)} />}</Field>
      <button type="submit" class="primary">
        {m.signIn}
      </button>
    </form>
  );
}

function Console({ api, session }: { api: Api; session: Session }) {
  const m = useMessages(MESSAGES);
  const path = useHashPath();
  const page: Page = PAGES.find((p) => path.startsWith(`/${p}`)) ?? 'reviews';
  return (
    <div class="console">
      <nav aria-label={m.appTitle}>
        <ul>
          {PAGES.map((p) => (
            <li key={p}>
              <a href={`#/${p}`} aria-current={p === page ? 'page' : undefined}>
                {m.nav[p]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main">
        {page === 'reviews' ? <Reviews api={api} /> : null}
        {page === 'lpr' ? <LprPage api={api} /> : null}
        {page === 'borrowers' ? <Borrowers api={api} /> : null}
        {page === 'eod' ? <EndOfDay api={api} businessDate={session.businessDate} /> : null}
      </main>
    </div>
  );
}

// ---------------------------------------------------------------------------------------
// Renewal review

function Reviews({ api }: { api: Api }) {
  const m = useMessages(MESSAGES);
  const { lang } = useLang();
  const [status, setStatus] = useState<(typeof REVIEW_STATUSES)[number]>('REFERRED');
  // The item under review stays open after its decision (the queue reloads without it).
  const [open, setOpen] = useState<Renewals['items'][number] | null>(null);
  const queue = useLoad(() => api.get<Renewals>('/v1/ops/renewals', { query: { status, limit: '100' } }), [api, status]);
  return (
    <section>
      <h2>{m.reviews}</h2>
      <div class="tabs" role="group" aria-label={m.status}>
        {REVIEW_STATUSES.map((s) => (
          <button type="button" key={s} aria-pressed={s === status} onClick={() => setStatus(s)}>
            {m.statuses[s]}
          </button>
        ))}
      </div>
      <ErrorNote error={queue.error} />
      {queue.loading && queue.data === undefined ? <Loading label={m.loading} /> : null}
      {queue.data?.items.length === 0 ? <p>{m.emptyQueue}</p> : null}
      {queue.data === undefined || queue.data.items.length === 0 ? null : (
        <table class="list" data-testid="queue">
          <thead>
            <tr>
              <th scope="col">{m.facility}</th>
              <th scope="col">{m.borrower}</th>
              <th scope="col">{m.appliedOn}</th>
              <th scope="col">{m.maturity}</th>
              <th scope="col" class="num">
                {m.outstanding}
              </th>
              <th scope="col">{m.referredBy}</th>
              <th scope="col">
                <span class="visually-hidden">{m.open}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {queue.data.items.map((item) => (
              <tr key={item.applicationId}>
                <td>{item.facilityId}</td>
                <td>{item.borrowerId}</td>
                <td>{date(item.appliedOn, lang)}</td>
                <td>{date(item.oldMaturityDate, lang)}</td>
                <td class="num">{yuan(item.principalOutstanding)}</td>
                <td>{item.referredBy.map((c) => checkName(c.code, lang).name).join(lang === 'zh-CN' ? '、' : ', ') || '—'}</td>
                <td>
                  <button type="button" aria-expanded={open?.applicationId === item.applicationId} onClick={() => setOpen(open?.applicationId === item.applicationId ? null : item)}>
                    {m.open} {item.facilityId}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open === null ? null : <Review key={open.applicationId} api={api} item={open} onDecided={queue.reload} />}
    </section>
  );
}

type QueueItem = Renewals['items'][number];

function Review({ api, item, onDecided }: { api: Api; item: QueueItem; onDecided: () => void }) {
  const m = useMessages(MESSAGES);
  const { lang } = useLang();
  const { facilityId, applicationId } = item;
  const base = `/v1/facilities/${encodeURIComponent(facilityId)}`;
  const facility = useLoad(() => api.get<Facility>(base), [api, base]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<Decision | undefined>();
  const [key] = useState(newKey);
  const decide = async (decision: 'APPROVE' | 'DECLINE') => {
    if (note.trim() === '') {
      setError(new Error(m.noteRequired));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const path = `/v1/ops/facilities/${encodeURIComponent(facilityId)}/renewals/${encodeURIComponent(applicationId)}/decision`;
      setDone(await api.post<Decision>(path, { body: { decision, note: note.trim() }, key: `${key}-${decision}` }));
      onDecided();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const f = facility.data;
  const decidable = item.status === 'REFERRED' && done === undefined;
  // Once decided here, the card shows the decision's status until the queue reloads.
  const status = done?.status ?? item.status;
  return (
    <article class="card" data-testid="review" aria-label={`${m.open} ${applicationId}`}>
      <h3>
        {m.application} {applicationId} <Badge tone={status === 'APPROVED' ? 'ok' : status === 'REFERRED' ? 'warn' : 'bad'}>{m.statuses[status] ?? status}</Badge>
      </h3>
      <ErrorNote error={facility.error} />
      <div class="grid2">
        <section>
          <h4>{m.referredBy}</h4>
          <ul class="checks" data-testid="referred-checks">
            {item.referredBy.map((c) => (
              <li key={c.code} class={`check ${c.outcome === 'REFER' ? 'warn' : 'bad'}`} data-outcome={c.outcome}>
                <Badge tone={c.outcome === 'REFER' ? 'warn' : 'bad'}>{c.outcome}</Badge> <strong>{checkName(c.code, lang).name}</strong> <small>{c.reason}</small>
                {/* The reason in the officer's language (keyed by its code, filled from params); the API's own text otherwise. */}
                <p class="detail">{reasonText(c.reason, c.params, lang) ?? c.detail}</p>
              </li>
            ))}
          </ul>
          <h4>{m.proposal}</h4>
          <dl class="figures">
            <Figure term={m.newMaturity} value={date(item.proposal.newMaturityDate, lang)} />
            <Figure term={m.newRate} value={`${percent(item.proposal.ratePercent)} (LPR + ${item.proposal.spreadBp} bp)`} />
          </dl>
          <h4>{m.history}</h4>
          <ol data-testid="history">
            {item.history.map((h) => (
              <li key={`${h.status}-${h.date}`}>
                {date(h.date, lang)} · {m.statuses[h.status] ?? h.status} · {h.by === BY_CHECKS ? m.byChecks : h.by}
                {h.note === null ? '' : ` · ${h.note}`}
              </li>
            ))}
          </ol>
        </section>
        <section>
          <h4>{m.facts}</h4>
          {f === undefined ? (
            <Loading label={m.loading} />
          ) : (
            <dl class="figures" data-testid="facts">
              <Figure term={m.status} value={m.facilityStatuses[f.status] ?? f.status} />
              <Figure term={m.limit} value={yuan(f.limit)} />
              <Figure term={m.outstanding} value={yuan(f.principalOutstanding)} />
              <Figure term={m.available} value={yuan(f.available)} />
              <Figure term={m.classification} value={m.enums[f.classification] ?? f.classification} />
              <Figure term={m.dpd} value={String(f.daysPastDue)} />
              <Figure term={m.maturity} value={date(f.maturityDate, lang)} />
              <Figure term={m.renewals} value={String(f.renewalCount)} />
            </dl>
          )}
        </section>
      </div>
      {decidable ? (
        <form onSubmit={(e) => e.preventDefault()}>
          <Field label={m.note}>{(id) => <textarea id={id} rows={3} maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}</Field>
          <ErrorNote error={error} />
          <p class="actions">
            <button type="button" class="primary" disabled={busy} onClick={() => void decide('APPROVE')}>
              {m.approve}
            </button>
            <button type="button" disabled={busy} onClick={() => void decide('DECLINE')}>
              {m.decline}
            </button>
          </p>
        </form>
      ) : null}
      {done === undefined ? null : (
        <p role="status" data-testid="decided">
          {m.decided(m.statuses[done.status] ?? done.status)}
        </p>
      )}
    </article>
  );
}

// ---------------------------------------------------------------------------------------
// LPR

function LprPage({ api }: { api: Api }) {
  const m = useMessages(MESSAGES);
  const { lang } = useLang();
  const list = useLoad(() => api.get<Lprs>('/v1/ops/lpr', { query: { limit: '24' } }), [api]);
  const [form, setForm] = useState({ date: '', oneYear: '', fiveYear: '' });
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState('');
  const publish = async () => {
    setMessage('');
    setError(undefined);
    const found = validate(() => {
      parseBusinessDate(form.date, 'date');
      const issues: FieldIssue[] = [];
      for (const [path, value] of [['oneYear', form.oneYear], ['fiveYear', form.fiveYear]] as const) {
        // The API's rule (shared/app/lpr.ts): a positive rate in multiples of 5 bp.
        if (parsePercent(value, path) % LPR_STEP_PPM !== 0 || Number(value) <= 0) issues.push({ path, message: 'must be a positive rate in multiples of 0.05 percentage points' });
      }
      if (issues.length > 0) throw new ValidationError(issues);
    });
    setIssues(found);
    if (found.length > 0) return;
    try {
      await api.put(`/v1/ops/lpr/${form.date}`, { body: { oneYear: form.oneYear, fiveYear: form.fiveYear } });
      setMessage(m.published(date(form.date, lang)));
      list.reload();
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) setIssues(e.problem.errors ?? []);
    }
  };
  return (
    <section>
      <h2>{m.lprTitle}</h2>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void publish();
        }}
      >
        <div class="row">
          <Field label={m.lprDate}>{(id) => <input id={id} type="date" required value={form.date} onInput={(e) => setForm({ ...form, date: e.currentTarget.value })} />}</Field>
          <Field label={m.oneYear}>{(id) => <input id={id} inputMode="decimal" required value={form.oneYear} onInput={(e) => setForm({ ...form, oneYear: e.currentTarget.value })} />}</Field>
          <Field label={m.fiveYear}>{(id) => <input id={id} inputMode="decimal" required value={form.fiveYear} onInput={(e) => setForm({ ...form, fiveYear: e.currentTarget.value })} />}</Field>
          <button type="submit" class="primary">
            {m.publish}
          </button>
        </div>
        <small>{m.lprHint}</small>
        <Issues issues={issues} />
        <ErrorNote error={issues.length > 0 ? undefined : error} />
        {message === '' ? null : <p role="status">{message}</p>}
      </form>
      <ErrorNote error={list.error} />
      <table class="list" data-testid="lpr-list">
        <thead>
          <tr>
            <th scope="col">{m.lprDate}</th>
            <th scope="col" class="num">
              {m.oneYear}
            </th>
            <th scope="col" class="num">
              {m.fiveYear}
            </th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((f) => (
            <tr key={f.date}>
              <td>{f.date}</td>
              <td class="num">{percent(f.oneYear)}</td>
              <td class="num">{percent(f.fiveYear)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Runs the domain's own parsers on a form: the same rules, and the same messages, as the API. */
function validate(check: () => void): FieldIssue[] {
  try {
    check();
    return [];
  } catch (e) {
    if (e instanceof ValidationError) return [...e.issues];
    throw e;
  }
}

function Issues({ issues }: { issues: readonly FieldIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul class="error" role="alert" data-testid="issues">
      {issues.map((i) => (
        <li key={`${i.path}:${i.message}`}>
          {i.path === '' ? '' : `${i.path}: `}
          {i.message}
        </li>
      ))}
    </ul>
  );
}

// ---------------------------------------------------------------------------------------
// Borrower profiles

interface ProfileForm {
  borrowerType: string;
  enterpriseSize: string;
  registrationStatus: string;
  taxRating: string;
  riskGrade: string;
  collateral: string;
  depositBalance: string;
  settlementVolume: string;
  profileDate: string;
}

const EMPTY_PROFILE: ProfileForm = {
  borrowerType: 'ENTERPRISE',
  enterpriseSize: 'SMALL',
  registrationStatus: 'ACTIVE',
  taxRating: 'A',
  riskGrade: '5',
  collateral: 'NONE',
  depositBalance: '0.00',
  settlementVolume: '0.00',
  profileDate: '',
};

function formOf(p: Profile): ProfileForm {
  return {
    borrowerType: p.borrowerType,
    enterpriseSize: p.enterpriseSize ?? '',
    registrationStatus: p.registrationStatus,
    taxRating: p.taxRating,
    riskGrade: String(p.riskGrade),
    collateral: p.collateral,
    depositBalance: p.relationship.depositBalance,
    settlementVolume: p.relationship.settlementVolume,
    profileDate: p.profileDate,
  };
}

function Borrowers({ api }: { api: Api }) {
  const m = useMessages(MESSAGES);
  const [borrowerId, setBorrowerId] = useState('');
  const [loaded, setLoaded] = useState<{ id: string; profile: Profile | null } | undefined>();
  const [form, setForm] = useState<ProfileForm>(EMPTY_PROFILE);
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState('');
  const find = async () => {
    setError(undefined);
    setMessage('');
    setIssues([]);
    try {
      const profile = await api.get<Profile>(`/v1/ops/borrowers/${encodeURIComponent(borrowerId)}/profile`);
      setLoaded({ id: borrowerId, profile });
      setForm(formOf(profile));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        setLoaded({ id: borrowerId, profile: null });
        setForm(EMPTY_PROFILE);
      } else setError(e);
    }
  };
  const save = async () => {
    if (loaded === undefined) return;
    setMessage('');
    setError(undefined);
    const found = validate(() => {
      const problems: FieldIssue[] = [];
      const grade = Number(form.riskGrade);
      if (!/^\d+$/.test(form.riskGrade) || grade < 1 || grade > 10) problems.push({ path: 'riskGrade', message: 'must be a whole number from 1 to 10' });
      for (const [path, value] of [['relationship.depositBalance', form.depositBalance], ['relationship.settlementVolume', form.settlementVolume]] as const) {
        try {
          parseYuan(value, path);
        } catch (e) {
          if (e instanceof ValidationError) problems.push(...e.issues);
        }
      }
      try {
        parseBusinessDate(form.profileDate, 'profileDate');
      } catch (e) {
        if (e instanceof ValidationError) problems.push(...e.issues);
      }
      if (problems.length > 0) throw new ValidationError(problems);
    });
    setIssues(found);
    if (found.length > 0) return;
    const body: ProfileInput = {
      borrowerType: form.borrowerType as ProfileInput['borrowerType'] & string,
      ...(form.enterpriseSize === '' ? {} : { enterpriseSize: form.enterpriseSize as NonNullable<ProfileInput['enterpriseSize']> }),
      registrationStatus: form.registrationStatus as ProfileInput['registrationStatus'],
      taxRating: form.taxRating as ProfileInput['taxRating'],
      riskGrade: Number(form.riskGrade),
      collateral: form.collateral as ProfileInput['collateral'],
      relationship: { depositBalance: form.depositBalance, settlementVolume: form.settlementVolume },
      profileDate: form.profileDate,
    };
    try {
      const saved = await api.put<Profile>(`/v1/ops/borrowers/${encodeURIComponent(loaded.id)}/profile`, { body });
      setLoaded({ id: loaded.id, profile: saved });
      setMessage(m.saved(saved.version));
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) setIssues(e.problem.errors ?? []);
    }
  };
  const select = (name: keyof ProfileForm, label: string, values: readonly string[]) => (
    <Field label={label}>
      {(id) => (
        <select id={id} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.currentTarget.value })}>
          {values.map((v) => (
            <option key={v} value={v}>
              {m.enums[v] ?? v}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  const text = (name: keyof ProfileForm, label: string, type: 'text' | 'date' = 'text') => (
    <Field label={label}>
      {(id) =>
        type === 'date' ? (
          <input id={id} type="date" value={form[name]} onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })} />
        ) : (
          <input id={id} type="text" inputMode="decimal" value={form[name]} onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })} />
        )
      }
    </Field>
  );
  return (
    <section>
      <h2>{m.borrowersTitle}</h2>
      <form
        class="card row"
        onSubmit={(e) => {
          e.preventDefault();
          void find();
        }}
      >
        <Field label={m.borrowerId}>{(id) => <input id={id} required value={borrowerId} onInput={(e) => setBorrowerId(e.currentTarget.value.trim())} />}</Field>
        <button type="submit">{m.find}</button>
      </form>
      <ErrorNote error={issues.length > 0 ? undefined : error} />
      {loaded === undefined ? null : (
        <form
          class="card"
          data-testid="profile-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <h3>
            {m.borrower} {loaded.id} {loaded.profile === null ? null : <Badge tone="info">v{loaded.profile.version}</Badge>}
          </h3>
          {loaded.profile === null ? <p>{m.noProfile}</p> : null}
          <div class="grid2">
            {select('borrowerType', m.borrowerType, BORROWER_TYPES)}
            {select('enterpriseSize', m.enterpriseSize, ENTERPRISE_SIZES)}
            {select('registrationStatus', m.registrationStatus, REGISTRATION_STATUSES)}
            {select('taxRating', m.taxRating, TAX_RATINGS)}
            {text('riskGrade', m.riskGrade)}
            {select('collateral', m.collateral, COLLATERAL_TYPES)}
            {text('depositBalance', m.depositBalance)}
            {text('settlementVolume', m.settlementVolume)}
            {text('profileDate', m.profileDate, 'date')}
          </div>
          {loaded.profile?.firstLoan ? (
            <p>
              {m.firstLoan}: {loaded.profile.firstLoan.date} ({loaded.profile.firstLoan.facilityId})
            </p>
          ) : null}
          <Issues issues={issues} />
          {message === '' ? null : <p role="status">{message}</p>}
          <button type="submit" class="primary">
            {m.save}
          </button>
        </form>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------
// End of day and the report

function EndOfDay({ api, businessDate }: { api: Api; businessDate: string | undefined }) {
  const m = useMessages(MESSAGES);
  const { lang } = useLang();
  const [day, setDay] = useState(businessDate === undefined ? '' : addDays(businessDate, -1));
  const [shown, setShown] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState('');
  const [round, setRound] = useState(0);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    setMessage('');
    try {
      const report = await api.post<Report>(`/v1/ops/eod/${day}`);
      setMessage(m.ran(date(report.date, lang), report.processed, report.changed));
      setShown(day);
      setRound((r) => r + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h2>{m.eodTitle}</h2>
      <form
        class="card row"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <Field label={m.eodDate}>{(id) => <input id={id} type="date" required value={day} onInput={(e) => setDay(e.currentTarget.value)} />}</Field>
        <button type="submit" class="primary" disabled={busy || day === ''}>
          {busy ? m.running : m.runEod}
        </button>
        <button type="button" disabled={day === ''} onClick={() => { setShown(day); setRound((r) => r + 1); }}>
          {m.loadReport}
        </button>
      </form>
      <ErrorNote error={error} />
      {message === '' ? null : (
        <p role="status" data-testid="eod-done">
          {message}
        </p>
      )}
      {shown === null ? null : <ReportView key={`${shown}:${round}`} api={api} day={shown} />}
    </section>
  );
}

function ReportView({ api, day }: { api: Api; day: string }) {
  const m = useMessages(MESSAGES);
  const { lang } = useLang();
  const reports = useLoad(() => loadTrend(api, day), [api, day]);
  const report = reports.data?.find((r) => r.date === day);
  if (reports.error !== undefined) return <ErrorNote error={reports.error} />;
  if (reports.data === undefined) return <Loading label={m.loading} />;
  if (report === undefined) return <p>{m.noReport}</p>;
  const p = report.portfolio;
  const policy = report.policy;
  const csv = toCsv(reportRows(report));
  const csvHref = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const classBars = CLASSES.map((c) => ({ label: m.enums[c] ?? c, value: policy?.byClass?.[c] === undefined ? (p.byClassification[c] ?? 0) : yuanForChart(policy.byClass[c]!.balance) }));
  const trend = reports.data;
  const x = trend.map((r) => epochSeconds(r.date));
  const xRange = [epochSeconds(addDays(day, -(TREND_DAYS - 1))), epochSeconds(day)] as const;
  const balanceSeries = [
    { label: m.principal, values: trend.map((r) => yuanForChart(r.portfolio.principalOutstanding)), color: '#1f5fbf' },
    ...(trend.some((r) => r.policy?.inclusiveSme !== undefined)
      ? [{ label: m.inclusiveSme, values: trend.map((r) => (r.policy?.inclusiveSme === undefined ? null : yuanForChart(r.policy.inclusiveSme.balance))), color: '#1e7b34' }]
      : []),
  ];
  const hasLending = trend.some((r) => r.policy?.flows?.day?.newLending !== undefined);
  const lendingSeries = [
    { label: m.newLending, values: trend.map((r) => (r.policy?.flows?.day?.newLending === undefined ? null : yuanForChart(r.policy.flows.day.newLending.amount))), color: '#8a5a00', bars: true },
    { label: m.avgRate, values: trend.map((r) => (r.policy?.flows?.day?.newLending === undefined ? null : Number(r.policy.flows.day.newLending.weightedRatePercent))), color: '#b3261e', axis: 'right' as const },
  ];
  return (
    <div data-testid="report" data-date={report.date}>
      <article class="card">
        <h3>
          {m.headline} · {date(report.date, lang)}
        </h3>
        <dl class="figures">
          <Figure term={m.facilities} value={String(p.facilities)} testId="fig-facilities" />
          <Figure term={m.principal} value={yuan(p.principalOutstanding)} testId="fig-principal" strong />
          <Figure term={m.accrued} value={yuan(p.accruedInterest)} testId="fig-accrued" />
          <Figure term={m.interestDue} value={yuan(p.interestDue)} />
          <Figure term={m.overduePrincipal} value={yuan(p.overduePrincipal)} />
          <Figure term={m.overdueInterest} value={yuan(p.overdueInterest)} />
          <Figure term={m.penalty} value={yuan(p.penaltyInterest)} />
          <Figure term={m.overdueRatio} value={percent(p.overdueRatioPercent)} />
        </dl>
        <a class="button" href={csvHref} download={`eod-${report.date}.csv`} data-testid="csv">
          {m.csv}
        </a>
      </article>
      <div class="grid2">
        <article class="card">
          <h3>{policy?.byClass === undefined ? m.byClassCount : m.byClassBalance}</h3>
          <Bars items={classBars} />
        </article>
        <article class="card">
          <h3>{m.policy}</h3>
          {policy === undefined ? (
            <p data-testid="policy-pending">{m.policyPending}</p>
          ) : (
            <dl class="figures" data-testid="policy">
              {policy.inclusiveSme === undefined ? null : <Figure term={`${m.inclusiveSme} · ${m.balance}`} value={yuan(policy.inclusiveSme.balance)} testId="fig-inclusive-sme" />}
              {policy.inclusiveSme === undefined ? null : <Figure term={`${m.inclusiveSme} · ${m.borrowers}`} value={String(policy.inclusiveSme.borrowers)} />}
              {policy.flows?.day?.firstLoanBorrowers === undefined ? null : <Figure term={m.firstLoanBorrowers} value={String(policy.flows.day.firstLoanBorrowers)} testId="fig-first-loan" />}
              {policy.creditLoans === undefined ? null : <Figure term={`${m.creditLoans} · ${m.share}`} value={percent(policy.creditLoans.sharePercent)} />}
              {policy.nonPerforming === undefined ? null : <Figure term={`${m.nonPerforming} · ${m.share}`} value={percent(policy.nonPerforming.ratioPercent)} />}
              {policy.flows?.day?.newLending === undefined ? null : <Figure term={`${m.newLending} · ${m.amount}`} value={yuan(policy.flows.day.newLending.amount)} />}
              {policy.flows?.day?.newLending === undefined ? null : <Figure term={m.avgRate} value={percent(policy.flows.day.newLending.weightedRatePercent)} />}
            </dl>
          )}
        </article>
      </div>
      <article class="card">
        <h3>{m.trend}</h3>
        <Chart title={m.trendChart} x={x} series={balanceSeries} xRange={xRange} testId="trend-chart" />
        {hasLending ? <Chart title={m.lendingChart} x={x} series={lendingSeries} xRange={xRange} testId="lending-chart" /> : null}
      </article>
    </div>
  );
}

/** Stored reports of the TREND_DAYS days up to `day` (dates without a report are left out). */
async function loadTrend(api: Api, day: string): Promise<Report[]> {
  const days = Array.from({ length: TREND_DAYS }, (_, i) => addDays(day, i - TREND_DAYS + 1));
  const answers = await Promise.all(
    days.map((d) =>
      api.get<Report>('/v1/ops/portfolio', { query: { date: d } }).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    ),
  );
  return answers.filter((r): r is Report => r !== null);
}

/** A small bar chart in HTML: categories with their values, readable by a screen reader as a list. */
function Bars({ items }: { items: readonly { label: string; value: number }[] }) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return (
    <ul class="bars" data-testid="class-bars">
      {items.map((i) => (
        <li key={i.label}>
          <span class="bar-label">{i.label}</span>
          <span class="bar-track">
            <span class="bar-fill" style={{ width: `${(i.value / max) * 100}%` }} />
          </span>
          <span class="bar-value">{i.value.toLocaleString()}</span>
        </li>
      ))}
    </ul>
  );
}

void boot('ops', App);
