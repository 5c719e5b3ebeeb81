/** Small shared pieces: the language switch, the hosted sign-in card, labelled fields, figures, problems and a loading state. */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { ApiError } from './api.ts';
import type { Session } from './auth.ts';
import { LANGS, useLang, type Lang } from './i18n.ts';

const LANG_NAMES: Record<Lang, string> = { 'zh-CN': '中文', en: 'English' };

function LangSwitch() {
  const { lang, setLang } = useLang();
  return (
    <div class="lang" role="group" aria-label={lang === 'zh-CN' ? '语言' : 'Language'}>
      {LANGS.map((l) => (
        <button type="button" key={l} lang={l} aria-pressed={l === lang} onClick={() => setLang(l)}>
          {LANG_NAMES[l]}
        </button>
      ))}
    </div>
  );
}

export function Field(props: { label: string; hint?: string; children: (id: string) => ComponentChildren }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id)}
      {props.hint === undefined ? null : <small>{props.hint}</small>}
    </div>
  );
}

/** A term and its value, e.g. 可用额度 ¥1,000,000.00. */
export function Figure(props: { term: string; value: ComponentChildren; testId?: string; strong?: boolean }) {
  return (
    <div class={props.strong === true ? 'figure strong' : 'figure'}>
      <dt>{props.term}</dt>
      <dd data-testid={props.testId}>{props.value}</dd>
    </div>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const text = error instanceof ApiError ? error.problem.detail : error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.problem.code : undefined;
  return (
    <p class="error" role="alert">
      {text}
      {code === undefined ? null : <span class="code"> ({code})</span>}
    </p>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <p class="loading" role="status">
      {label}
    </p>
  );
}

export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'info'; children: ComponentChildren }) {
  return <span class={`badge ${tone}`}>{children}</span>;
}

/** In AWS: one button to the user pool's hosted sign-in page (the OAuth code flow with PKCE, auth.ts). */
export function HostedSignIn(props: { title: string; intro: string; action: string; onSignIn: () => void }) {
  return (
    <section class="card narrow">
      <h2>{props.title}</h2>
      <p>{props.intro}</p>
      <button type="button" class="primary" onClick={props.onSignIn}>
        {props.action}
      </button>
    </section>
  );
}

/** The top bar both apps share: the app's title (a link home), who is signed in and on which business date, the language switch, sign-out. */
export function TopBar({ title, home, session, signOutLabel, onSignOut }: { title: string; home: string; session: Session | null; signOutLabel: string; onSignOut: () => void }) {
  return (
    <header class="bar">
      <h1>
        <a href={home}>{title}</a>
      </h1>
      <div class="bar-tools">
        {session === null ? null : (
          <span class="who" data-testid="who">
            {session.who}
            {session.businessDate === undefined ? null : ` · ${session.businessDate}`}
          </span>
        )}
        <LangSwitch />
        {session === null ? null : (
          <button type="button" class="link" onClick={onSignOut}>
            {signOutLabel}
          </button>
        )}
      </div>
    </header>
  );
}
