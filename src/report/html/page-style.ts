// The report's stylesheet, inline: no file beside the report, nothing fetched.

export const PAGE_STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1b1f24; background: #fff; }
header, main { padding: 0 20px; }
h1 { font-size: 20px; margin: 14px 0 4px; }
h2 { font-size: 16px; margin: 16px 0 6px; }
.verdict { margin: 0 0 8px; padding: 6px 10px; border-left: 5px solid; }
.verdict.fail { border-color: #D55E00; background: #fdf0e8; }
.verdict.pass { border-color: #009E73; background: #e8f6f1; }
.findings { margin: 0; padding-left: 34px; max-height: 38vh; overflow-y: auto; }
.finding { margin: 2px 0; }
.finding button { font: inherit; text-align: left; background: none; border: 1px solid transparent; border-radius: 4px; padding: 2px 6px; cursor: pointer; color: inherit; vertical-align: top; }
.finding button:hover, .finding button:focus-visible { border-color: #0072B2; background: #eef6fc; outline: none; }
.sev { display: inline-block; min-width: 56px; font-weight: 600; }
.sev-error .sev { color: #b34700; }
.sev-warning .sev { color: #8a6100; }
.sev-info .sev { color: #005b8f; }
.count { color: #555; }
.finding details { margin: 0 0 4px 8px; }
.finding pre { margin: 2px 0; font-size: 12px; white-space: pre-wrap; word-break: break-all; background: #f6f8fa; padding: 4px 6px; }
.help, .note { color: #444; margin: 2px 0 6px; }
.toolbar { margin: 4px 0; }
.toolbar button { font: inherit; padding: 2px 10px; }
#status { margin-left: 10px; color: #333; }
.plot { width: 100%; border: 1px solid #c8cfd6; }
#timeline { display: block; cursor: grab; }
#timeline:focus-visible { outline: 3px solid #0072B2; outline-offset: 1px; }
.legend { list-style: none; padding: 0; margin: 8px 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
.legend li { display: flex; align-items: center; gap: 4px; }
#tooltip { position: absolute; z-index: 10; max-width: 560px; background: #1b1f24; color: #fff; padding: 6px 9px; border-radius: 4px; font-size: 12px; pointer-events: none; white-space: pre-wrap; box-shadow: 0 2px 8px rgba(0,0,0,.3); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
kbd { border: 1px solid #bbb; border-radius: 3px; padding: 0 3px; font-size: 12px; }
`;
