// Dragging with the mouse as a hand does, for the boards' drag and drop.
import type { Locator, Page } from 'playwright-core';

/**
 * Drags from a handle onto a drop target: both in view first, the drop point near the target's top
 * (a tall column may reach below the window), and one last move over it before letting go, so the
 * drag library has seen the pointer over its target.
 */
export async function dragTo(page: Page, handle: Locator, target: Locator) {
  await target.scrollIntoViewIfNeeded();
  await handle.scrollIntoViewIfNeeded();
  const from = await handle.boundingBox();
  const to = await target.boundingBox();
  if (!from || !to) throw new Error('handle or column not shown');
  const drop = { x: to.x + to.width / 2, y: to.y + Math.min(to.height - 20, 120) };
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 5 });
  await page.mouse.move(drop.x, drop.y, { steps: 20 });
  await page.mouse.move(drop.x + 2, drop.y + 2, { steps: 2 });
  await page.mouse.up();
}

/**
 * Picks a card up by keyboard: its handle focused, space, and the handle shown as pressed. The
 * drag library listens for the arrow keys only from its next task on (dnd-kit's keyboard sensor
 * adds its keydown listener in a `setTimeout`): this waits for a task queued after that one, so
 * the first arrow key is not lost on a busy machine.
 */
export async function pickUpByKeyboard(page: Page, handle: Locator) {
  await handle.focus();
  await page.keyboard.press('Space');
  await handle.and(page.locator('[aria-pressed="true"]')).waitFor();
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
}
