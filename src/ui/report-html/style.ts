/** The page's only stylesheet, inlined: the report is one file that works offline. */
export const STYLE = `
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#fff;--panel:#f8fafc;--ok:#16a34a;--bad:#dc2626;--late:#ea580c;--off:#6b7280;--live:#2563eb;--wait:#eab308;--back:#fb923c}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:20px 28px 40px}
h1{font-size:22px;margin:4px 0 12px;font-weight:650}
h2{font-size:16px;margin:0 0 10px;font-weight:650}
h3{font-size:14px;margin:12px 0 4px}
section,header#run-header{border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:14px 0;background:var(--bg)}
header#run-header{background:var(--panel)}
code,pre{font:12.5px/1.45 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
pre{white-space:pre-wrap;word-break:break-word;background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px;max-height:420px;overflow:auto;margin:6px 0}
a{color:#1d4ed8;text-decoration:none}a:hover{text-decoration:underline}
.muted{color:var(--muted)}
.run-id{margin:0;color:var(--muted)}
.facts{display:flex;flex-wrap:wrap;gap:8px 28px;margin:0}
.facts div{min-width:90px}.facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}.facts dd{margin:0;font-weight:550}
.badge{display:inline-block;border-radius:999px;padding:1px 10px;font-size:12px;font-weight:600;background:#e5e7eb;color:#111827;margin-left:4px}
.status-completed{background:#dcfce7;color:#166534}.status-partial{background:#fef3c7;color:#92400e}
.status-failed,.status-abandoned{background:#fee2e2;color:#991b1b}.status-cancelled{background:#e5e7eb;color:#374151}
.status-running{background:#dbeafe;color:#1e40af}.rehearsal{background:#ede9fe;color:#5b21b6}
.error{color:var(--bad)}
.summary{font-size:15px;margin:0 0 6px}.next{margin:0}
ol.plan{margin:0;padding-left:22px}.step{margin:2px 0}
.step-state{display:inline-block;min-width:104px;font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.step-completed .step-state{color:var(--ok)}.step-in_progress .step-state{color:var(--live);font-weight:700}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{font-size:12px;color:var(--muted);font-weight:600}
th button{all:unset;cursor:pointer}th button:hover,th[aria-sort] button{color:var(--fg)}
th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
table.findings td div{color:var(--muted);font-size:13px;margin-top:2px}
.sev{display:inline-block;border-radius:4px;padding:0 7px;font-size:12px;font-weight:650;color:#fff}
.sev-critical{background:#7f1d1d}.sev-high{background:#dc2626}.sev-medium{background:#d97706}.sev-low{background:#2563eb}.sev-info{background:#6b7280}
.who{display:inline-block;background:var(--panel);border:1px solid var(--line);border-radius:4px;padding:0 6px;margin:1px 0;font-size:12px}
.state{font-weight:600}.state-completed{color:var(--ok)}.state-running{color:var(--live)}
.state-failed,.state-rate_limited,.state-budget_exhausted{color:var(--bad)}.state-timed_out,.state-stalled{color:var(--late)}
.state-cancelled,.state-closed,.state-interrupted{color:var(--off)}.state-waiting,.state-backoff,.state-queued{color:#a16207}
.role{font-size:12px;color:var(--muted)}
.tl{position:relative;border-top:1px solid var(--line)}
.tl-grid{position:absolute;top:0;bottom:0;left:220px;right:170px;pointer-events:none}
.tl-grid span{position:absolute;top:0;bottom:0;border-left:1px solid #eef2f7}
.tl-row{display:grid;grid-template-columns:220px 1fr 170px;align-items:center;border-bottom:1px solid var(--line);min-height:40px}
.tl-axis{min-height:26px;border-bottom:1px solid var(--line)}
.tl-name{padding:4px 10px 4px 2px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.tl-name small{color:var(--muted)}
.tl-out{padding-left:12px;font-size:13px;white-space:nowrap}
.tl-track{position:relative;height:100%;min-height:26px}
.tl-lane .tl-track{height:40px}
.tick{position:absolute;top:5px;transform:translateX(-50%);font-size:11px;color:var(--muted);white-space:nowrap}
.tick:first-child{transform:none}
.deadline-label{color:var(--bad);font-weight:600}.off-scale{font-size:11px;color:var(--bad)}
.seg{position:absolute;top:11px;height:18px;min-width:3px;border-radius:3px}
.seg-queued{background:repeating-linear-gradient(135deg,#cbd5e1 0 4px,#e2e8f0 4px 8px);top:15px;height:10px}
.seg-backoff{background:repeating-linear-gradient(135deg,var(--back) 0 4px,#fed7aa 4px 8px);top:15px;height:10px}
.seg-waiting{background:repeating-linear-gradient(135deg,var(--wait) 0 4px,#fef08a 4px 8px)}
.seg-running{background:var(--live)}
.seg-running.end-completed{background:var(--ok)}
.seg-running.end-failed,.seg-running.end-rate_limited,.seg-running.end-budget_exhausted{background:var(--bad)}
.seg-running.end-timed_out,.seg-running.end-stalled{background:var(--late)}
.seg-running.end-cancelled,.seg-running.end-closed,.seg-running.end-interrupted{background:var(--off)}
.seg.open{background:repeating-linear-gradient(135deg,var(--live) 0 6px,#60a5fa 6px 12px);background-size:17px 17px;animation:run 1s linear infinite}
@keyframes run{to{background-position:17px 0}}
.mark{position:absolute;top:14px;width:11px;height:11px;transform:translateX(-50%) rotate(45deg);border:2px solid #fff;box-shadow:0 0 0 1px #0003;z-index:2}
.mark-retry{background:var(--back)}.mark-input{background:#7c3aed}.mark-interrupt{background:var(--bad)}.mark-replayed{background:#0d9488}.mark-closed{background:var(--off)}
.mark-end{background:#111827}.mark-end.end-timed_out,.mark-end.end-stalled{background:var(--late)}.mark-end.end-failed{background:var(--bad)}
.vline{position:absolute;top:0;bottom:0;width:0;z-index:1}.vline.deadline{border-left:2px dashed var(--bad)}.vline.run-end{border-left:1px solid #94a3b8}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin-top:10px;font-size:12px;color:var(--muted)}
.legend span{display:inline-flex;align-items:center;gap:6px}
.legend i{position:relative;display:inline-block;width:22px;height:12px;top:auto;left:auto}
.legend i.seg{position:relative}.legend i.mark{position:relative;width:10px;height:10px;transform:rotate(45deg);top:auto}
.legend i.vline{position:relative;height:14px;width:0}
.run-marks{margin:8px 0 0;padding-left:18px;color:var(--muted)}
details.agent{border:1px solid var(--line);border-radius:8px;margin:8px 0;padding:0 12px}
details.agent>summary{cursor:pointer;padding:10px 0}
details.agent[open]>summary{border-bottom:1px solid var(--line)}
.agent-body{padding:8px 0 12px}.usage{margin:4px 0 8px}
details.text>summary{cursor:pointer;color:var(--muted);margin-top:8px}
table.turns{width:auto;margin:6px 0}table.turns td{padding:3px 10px 3px 0;border:0}
.agent-marks{margin:4px 0;padding-left:18px;color:var(--muted);font-size:13px}
footer{color:var(--muted);font-size:12px;margin-top:20px}
#live-status{float:right;font-size:12px;color:var(--muted)}#live-status::before{content:"●";margin-right:5px;color:#94a3b8}
#live-status.on::before{color:var(--ok)}
table.runs td:first-child{white-space:nowrap}
pre.stream{max-height:none}
`;
