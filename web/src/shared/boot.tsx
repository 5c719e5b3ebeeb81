/** Starting an app: its config.json, the current session (finishing a hosted sign-in), then the first render. */
import { render, type ComponentType } from 'preact';
import { Auth, type Session } from './auth.ts';
import { loadConfig, type SiteConfig } from './config.ts';
import { initialLang } from './i18n.ts';

export interface AppProps {
  readonly config: SiteConfig;
  readonly auth: Auth;
  readonly initial: Session | null;
}

export async function boot(app: 'sme' | 'ops', App: ComponentType<AppProps>): Promise<void> {
  const root = document.getElementById('app');
  if (root === null) return;
  document.documentElement.lang = initialLang();
  try {
    const config = await loadConfig();
    const auth = new Auth(config, app);
    render(<App config={config} auth={auth} initial={await auth.current()} />, root);
  } catch (error) {
    root.textContent = `无法加载 / Could not start: ${String(error)}`;
  }
}
