/**
 * axe-core in the real page (`@axe-core/playwright`): a screen or dialog passes when axe finds no
 * serious and no critical violation. The failure names each rule and the elements that break it.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

const BLOCKING = new Set(['serious', 'critical']);

export async function expectAccessible(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const blocking = violations.filter((violation) => BLOCKING.has(violation.impact ?? ''));
  if (blocking.length === 0) return;
  const lines = blocking.map((violation) => `${violation.impact} ${violation.id}: ${violation.help}\n    ${violation.nodes.slice(0, 5).map((node) => node.target.join(' ')).join('\n    ')}`);
  throw new Error(`axe found ${blocking.length} serious or critical violation(s) on ${what}:\n  ${lines.join('\n  ')}`);
}
