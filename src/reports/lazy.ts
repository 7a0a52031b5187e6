/**
 * The heavy renderers (ECharts, resvg, pdfkit, exceljs) are loaded on first use, not at start: most
 * processes never draw a chart or write a workbook, and loading them all doubled the app's memory.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A module loaded synchronously the first time it is asked for. */
export function lazy<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
