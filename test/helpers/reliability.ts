/**
 * Figures that tests measure about reliability (load held, faults survived, inputs tried, what was lost), written
 * by the tests themselves as they run, under test-results/ (ignored by git). `npm run report`
 * (scripts/reliability-report.js) runs the whole suite and turns them into docs/reliability.md, so the document only
 * ever states what one passing run measured; `npm test` alone never writes it.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const RELIABILITY_DIR = join(process.cwd(), 'test-results', 'reliability');

export interface ReliabilityFigure {
  /** Section of the report, e.g. "Faults", "Hostile input", "Load". */
  section: string;
  /** What was checked, in a few words. */
  check: string;
  /** The measured result, e.g. "4000 requests, 0 crashes, slowest 212 ms". */
  result: string;
  /** What was lost (should be "nothing"). */
  lost?: string;
}

export function recordReliability(figure: ReliabilityFigure): void {
  mkdirSync(RELIABILITY_DIR, { recursive: true });
  const file = join(RELIABILITY_DIR, `${process.pid}.jsonl`);
  appendFileSync(file, `${JSON.stringify({ ...figure, at: new Date().toISOString() })}\n`);
}
