/**
 * The page's only script, inlined. It sorts the findings table and, on a live page (`data-live` on
 * <body>), replaces the sections the server sends over server-sent events, keeping what the reader
 * opened and how the table was sorted, or appends a worker's event lines as they come.
 */
export const CLIENT_SCRIPT = `
(() => {
  const sort = { key: "rank", dir: 1 };
  const text = (key) => key === "file" || key === "title";
  function sortFindings() {
    const body = document.querySelector("#run-findings tbody");
    if (!body) return;
    const value = (row) => (text(sort.key) ? row.dataset[sort.key].toLowerCase() : Number(row.dataset[sort.key]));
    const rows = [...body.rows].sort((a, b) => {
      const x = value(a), y = value(b);
      const c = x < y ? -1 : x > y ? 1 : 0;
      return c * sort.dir || Number(a.dataset.rank) - Number(b.dataset.rank);
    });
    for (const row of rows) body.appendChild(row);
    for (const th of document.querySelectorAll("#run-findings th")) {
      const key = th.querySelector("button")?.dataset.sort;
      if (key === sort.key && key !== "rank") th.setAttribute("aria-sort", sort.dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("button[data-sort]");
    if (!button) return;
    const key = button.dataset.sort;
    sort.dir = sort.key === key ? -sort.dir : key === "reporters" ? -1 : 1;
    sort.key = key;
    sortFindings();
  });
  const url = document.body.dataset.live;
  if (!url) return;
  const status = document.getElementById("live-status");
  const say = (words, on) => { if (status) { status.textContent = words; status.classList.toggle("on", on); } };
  const keyOf = (d) => d.id || d.dataset.key;
  function replace(sections) {
    const opened = new Map();
    for (const d of document.querySelectorAll("details")) if (keyOf(d)) opened.set(keyOf(d), d.open);
    for (const [id, html] of Object.entries(sections)) {
      const old = document.getElementById(id);
      const template = document.createElement("template");
      template.innerHTML = html;
      const next = template.content.firstElementChild;
      if (old && next) old.replaceWith(next);
      else if (next) (document.getElementById(next.dataset.parent) ?? document.querySelector("main")).append(next);
    }
    for (const d of document.querySelectorAll("details")) if (opened.has(keyOf(d))) d.open = opened.get(keyOf(d));
    sortFindings();
    document.body.dataset.updatedAt = String(Date.now());
  }
  const source = new EventSource(url);
  source.addEventListener("open", () => say("live", true));
  source.addEventListener("sections", (event) => replace(JSON.parse(event.data)));
  source.addEventListener("lines", (event) => {
    const target = document.getElementById("stream");
    if (!target) return;
    const follow = window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
    for (const line of JSON.parse(event.data)) {
      const row = document.createElement("div");
      row.textContent = line;
      target.append(row);
    }
    target.dataset.lines = String(target.children.length);
    if (follow) window.scrollTo(0, document.body.scrollHeight);
  });
  source.addEventListener("end", (event) => { source.close(); say(event.data || "the run has ended", false); });
  source.addEventListener("error", () => { if (source.readyState !== 2) say("reconnecting…", false); });
})();
`;
