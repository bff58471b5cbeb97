// Every output format, by name: the one list `--format` accepts.

import { renderCompact } from './compact';
import { renderGithub } from './github';
import { renderHtml } from './html/render-html';
import { renderJson, renderJsonPieces } from './json';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';
import { renderNdjson } from './ndjson';
import type { RenderOptions } from './render-options';
import type { Report } from './report';
import { renderSarif } from './sarif';
import { renderTable } from './table';

const RENDERERS: Record<string, (report: Report, options: RenderOptions) => string> = {
  table: (r, o) => renderTable(r, o),
  compact: renderCompact,
  json: (r) => renderJson(r),
  ndjson: renderNdjson,
  sarif: renderSarif,
  junit: renderJunit,
  github: renderGithub,
  markdown: renderMarkdown,
  html: renderHtml,
};

export const FORMATS = Object.keys(RENDERERS);

export function render(format: string, report: Report, options: RenderOptions): string {
  const renderer = RENDERERS[format];
  if (!renderer) throw new Error(`no renderer for ${format}`);
  return renderer(report, options);
}

/**
 * The same text, in pieces where the format streams (JSON: a large report is never one string),
 * else in one piece.
 */
export function renderPieces(format: string, report: Report, options: RenderOptions): Iterable<string> {
  if (format === 'json') return renderJsonPieces(report);
  return [render(format, report, options)];
}
