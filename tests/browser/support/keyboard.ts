// Moving through a page by keyboard alone, as a person without a mouse does.
import type { Page } from 'playwright-core';

/** The focused element's accessible name (aria-label, label, or text) and whether its focus is visible. */
export async function focused(page: Page): Promise<{ name: string; role: string; visible: boolean }> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { name: '', role: '', visible: false };
    const labelled = element.getAttribute('aria-labelledby');
    const byId = labelled
      ?.split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ');
    const label = (element as HTMLInputElement).labels?.[0]?.textContent;
    // innerText leaves out what is not shown (Fluent's tabs keep a hidden bold copy of their label).
    const name = (element.getAttribute('aria-label') ?? byId ?? label ?? element.innerText ?? '').trim();
    // Fluent marks keyboard focus with data-fui-focus-visible (on the element or the control around it).
    const visible =
      element.matches(':focus-visible') ||
      element.hasAttribute('data-fui-focus-visible') ||
      element.closest('[data-fui-focus-within]') !== null;
    return { name, role: element.getAttribute('role') ?? element.tagName.toLowerCase(), visible };
  });
}

/** Presses Tab until the focused element's name matches; fails after `max` presses. */
export async function tabTo(
  page: Page,
  name: RegExp,
  options: { max?: number; backwards?: boolean; role?: string } = {},
) {
  const max = options.max ?? 60;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    if (name.test(now.name) && (!options.role || now.role === options.role)) return now;
  }
  throw new Error(`${name} was not reached with ${max} presses of Tab`);
}
