/**
 * The layer rules of docs/architecture.md, checked by `npm run lint` (depcruise). A dependency
 * points down the list: cli → (mcp, map, fleet, run, ui) → (git, store, skills, rehearsal) →
 * (core, backends) → core/process, errors, util. No cycles anywhere; only src/cli may import src/cli.
 */
const layer = (from, notTo, comment, allowed) => ({
  name: `${from.replace(/\/$/, "").replace(/\//g, "-")}-not-upwards`,
  comment,
  severity: "error",
  from: { path: `^src/${from}` },
  to: { path: `^src/(${notTo.join("|")})/`, ...(allowed ? { pathNot: allowed } : {}) },
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "Import cycles make load order matter and hide which layer owns what.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "library-not-cli",
      comment: "The library (everything but the CLI) never imports the CLI.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^src/cli/" },
    },
    layer("core/process/", ["core/(?!process/|defaults)[^/]+", "backends", "run", "git", "store", "mcp", "map", "fleet", "ui", "skills", "rehearsal", "model-server"], "The supervisor is the bottom: it knows processes, nothing of agents."),
    layer("core/", ["run", "git", "store", "mcp", "map", "fleet", "ui", "skills", "rehearsal", "cli", "model-server"], "The core knows backends' contract, never what runs on it."),
    layer("backends/", ["run", "git", "mcp", "map", "fleet", "ui", "skills", "rehearsal", "cli"], "Backends know their CLI and the core's contract."),
    layer(
      "store/",
      ["run", "mcp", "map", "fleet", "ui", "skills", "cli"],
      "The record knows nothing of who writes it; it reads the shapes it stores (a run's view, result, plan).",
      "^src/run/(view|result|plan)\\.ts$",
    ),
    layer("git/", ["mcp", "map", "fleet", "ui", "skills", "cli"], "Parallel writers sit below the run."),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(dist|node_modules)" },
  },
};
