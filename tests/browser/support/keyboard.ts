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
    const name = (element.getAttribute('aria-label') ?? byId ?? label ?? element.textContent ?? '').trim();
    // Fluent marks keyboard focus with data-fui-focus-visible (on the element or the control around it).
    const visible =
      element.matches(':focus-visible') ||
      element.hasAttribute('data-fui-focus-visible') ||
      element.closest('[data-fui-focus-within]') !== null;
    return { name, role: element.getAttribute('role') ?? element.tagName.toLowerCase(), visible };
  });
}

/** Presses Tab until the focused element's name matches; fails after `max` presses. */
export async function tabTo(page: Page, name: RegExp, options: { max?: number; backwards?: boolean } = {}) {
  const max = options.max ?? 60;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    if (name.test(now.name)) return now;
  }
  throw new Error(`${name} was not reached with ${max} presses of Tab`);
}
