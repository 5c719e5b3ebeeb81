/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser), kept off the
 * network: no background networking, component updates, sync or QUIC. Playwright gives every
 * launch a fresh, empty profile directory of its own.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const INSTALL_HINT = 'sudo apt-get install -y chromium  (Debian; or set CHROMIUM_PATH)';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Screenshots of each flow, kept as test artifacts (gitignored). */
export const ARTIFACTS_DIR = join(import.meta.dirname, '..', '..', 'test-artifacts', 'web');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** axe-core on the page as it stands: no serious or critical violation. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`),
    `axe on ${where}`,
  ).toEqual([]);
}

/**
 * Every control (link, button, field) is reached by Tab, in order, and has a visible label:
 * its own text, or a <label> (or legend) that is rendered.
 */
// The functions given to page.evaluate run in the page; the Node project has no DOM types.
declare const document: any;

export async function expectKeyboardReachable(page: Page, where: string): Promise<void> {
  const controls = await page.evaluate(() => {
    const selector = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])';
    const all: any[] = [...document.querySelectorAll(selector)].filter((el: any) => el.offsetParent !== null || el.getClientRects().length > 0);
    all.forEach((el, i) => el.setAttribute('data-kbd', String(i)));
    const visible = (el: any) => el !== null && el !== undefined && el.offsetParent !== null && String(el.innerText).trim() !== '';
    return all.map((el) => {
      const field = ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
      const labelled = field ? [...(el.labels ?? [])].some((l: any) => visible(l)) || (el.type === 'radio' && visible(el.closest('label'))) : String(el.innerText).trim() !== '';
      return { id: el.getAttribute('data-kbd')!, text: (el.innerText || el.getAttribute('aria-label') || el.id).trim().slice(0, 40), labelled };
    });
  });
  expect(controls.filter((c) => !c.labelled).map((c) => c.text), `controls without a visible label on ${where}`).toEqual([]);
  await page.evaluate(() => document.activeElement?.blur());
  await page.locator('body').focus();
  const reached = new Set<string>();
  const radioGroups: [string | null, string][] = await page.evaluate(() => [...document.querySelectorAll('input[type=radio]')].map((r: any) => [r.getAttribute('data-kbd'), r.name]));
  for (let i = 0; i < controls.length + 5; i++) {
    await page.keyboard.press('Tab');
    const id: string | null = await page.evaluate(() => document.activeElement?.getAttribute('data-kbd') ?? null);
    if (id !== null) reached.add(id);
  }
  // A radio group is one Tab stop (arrow keys move inside it): reaching one radio reaches the group.
  const groupsReached = new Set(radioGroups.filter(([id]) => id !== null && reached.has(id)).map(([, name]) => name));
  const missed = controls.filter((c) => !reached.has(c.id) && !radioGroups.some(([id, name]) => id === c.id && groupsReached.has(name)));
  expect(missed.map((c) => c.text), `controls Tab does not reach on ${where}`).toEqual([]);
}
