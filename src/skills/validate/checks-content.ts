import { findSections, parseTable } from "../parse/markdown.ts";
import { outputSectionsIn } from "../render/structured-output.ts";
import { fileOf } from "./agent-flow.ts";
import { at, type Check, fail, listed, pass } from "./check-types.ts";
import { messageText } from "./code-analysis.ts";
import { isPreservedIn } from "./conversion-manifest.ts";

const MIN_ORCHESTRATOR_CHARS = 500;
const MIN_ROLE_CHARS = 300;
const MIN_CODE_BLOCKS = 4;

function label(name: string): RegExp {
  return new RegExp(`(^|\\n|\\\\n)\\s*(#+\\s*|\\*\\*)?${name}\\b`, "i");
}

/** Content checks (30 points). */
export const CONTENT_CHECKS: Check[] = [
  {
    id: "orchestrator-length",
    category: "content",
    points: 4,
    title: `orchestrator body over ${MIN_ORCHESTRATOR_CHARS} characters`,
    run: (ctx) => {
      const body = ctx.pkg.skill?.frontmatter?.body ?? ctx.pkg.skill?.text ?? "";
      return body.trim().length > MIN_ORCHESTRATOR_CHARS
        ? pass(`${body.trim().length} characters`)
        : fail(
            `SKILL.md body has ${body.trim().length} characters; a usable orchestrator needs more than ${MIN_ORCHESTRATOR_CHARS}`,
          );
    },
  },
  {
    id: "code-blocks",
    category: "content",
    points: 3,
    title: `at least ${MIN_CODE_BLOCKS} code blocks in SKILL.md`,
    run: (ctx) => {
      const count = ctx.pkg.skill?.md.codeBlocks.length ?? 0;
      return count >= MIN_CODE_BLOCKS
        ? pass(`${count} code blocks`)
        : fail(`${count} code block(s); expected at least ${MIN_CODE_BLOCKS}`);
    },
  },
  {
    id: "error-handling",
    category: "content",
    points: 3,
    title: "error handling section with cases",
    run: (ctx) => {
      const section = ctx.pkg.skill ? findSections(ctx.pkg.skill.md, /error handling/i)[0] : undefined;
      if (!section) return fail("no Error Handling section in SKILL.md");
      const cases = Math.max(
        parseTable(section.text).length - 1,
        (section.text.match(/^\s*[-*\d.]+\s+\S/gm) ?? []).length,
      );
      return cases > 0
        ? pass(`${cases} case(s) handled`)
        : fail("the Error Handling section lists no cases", [`SKILL.md:${section.startLine}`]);
    },
  },
  {
    id: "no-placeholders",
    category: "content",
    points: 4,
    title: "no {{placeholder}} or TODO left",
    run: (ctx) => {
      const hits: string[] = [];
      const texts = [
        ...ctx.pkg.docs.map((d) => ({ file: d.file, text: d.text })),
        ...ctx.pkg.roles.map((r) => ({ file: r.file, text: r.instructions })),
      ];
      for (const { file, text } of texts) {
        text.split("\n").forEach((line, i) => {
          if (/\{\{[^}]*\}\}|\b(TODO|TBD|FIXME|XXX)\b/.test(line)) hits.push(`${file}:${i + 1}`);
        });
      }
      return hits.length === 0
        ? pass("none found")
        : fail(`placeholders or TODOs left in ${hits.length} line(s)`, hits);
    },
  },
  {
    id: "role-substance",
    category: "content",
    points: 4,
    title: `every role over ${MIN_ROLE_CHARS} characters with actionable steps`,
    run: (ctx) => {
      const thin = ctx.pkg.roles.filter(
        (r) =>
          r.instructions.trim().length <= MIN_ROLE_CHARS ||
          (r.instructions.match(/^\s*(\d+[.)]|Step \d)/gm) ?? []).length < 2,
      );
      if (ctx.pkg.roles.length === 0)
        return ctx.spawns.length === 0 ? pass("no roles needed") : fail("no role definitions in the package");
      return thin.length === 0
        ? pass(`${ctx.pkg.roles.length} role(s) with numbered steps`)
        : fail(
            `roles too short or without numbered steps: ${listed(thin.map((r) => r.name))}`,
            thin.map((r) => `${r.file}:${r.line}`),
          );
    },
  },
  {
    id: "role-output-format",
    category: "content",
    points: 3,
    title: "output format in every role",
    run: (ctx) => {
      const missing = ctx.pkg.roles.filter(
        (r) => !/output format/i.test(r.instructions) && outputSectionsIn(r.instructions) < 3,
      );
      return missing.length === 0
        ? pass("every role states its output format")
        : fail(
            `roles without an output format: ${listed(missing.map((r) => r.name))}`,
            missing.map((r) => `${r.file}:${r.line}`),
          );
    },
  },
  {
    id: "task-message",
    category: "content",
    points: 4,
    title: "every spawn message has Goal, Scope and Deliverables",
    run: (ctx) => {
      const bad = ctx.spawns.filter((s) => {
        const text = messageText(fileOf(ctx, s), s) ?? "";
        return !(label("Goal").test(text) && label("Scope").test(text) && label("Deliverables?").test(text));
      });
      return bad.length === 0
        ? pass(`${ctx.spawns.length} spawn message(s) complete`)
        : fail("spawn messages without a Goal, Scope and Deliverables section", bad.map(at));
    },
  },
  {
    id: "conversion-faithful",
    category: "content",
    points: 5,
    title: "conversion kept prompts and code verbatim, nothing left unconverted",
    run: (ctx) => {
      const conversion = ctx.pkg.conversion;
      if (!conversion) return pass("not a conversion (no references/conversion.json)");
      if (conversion.error) return fail(conversion.error, ["references/conversion.json"]);
      const manifest = conversion.manifest!;
      const texts = [...ctx.pkg.docs.map((d) => d.text), ...ctx.pkg.roles.map((r) => r.instructions)];
      const lost = manifest.preserved.filter((p) => !isPreservedIn(p, texts));
      const problems = [
        ...lost.map((p) => `${p.source}:${p.line} ${p.kind} not found verbatim`),
        ...manifest.unconverted.map((u) => `${u.file}:${u.line} ${u.construct} not converted (${u.hint})`),
      ];
      return problems.length === 0
        ? pass(`${manifest.preserved.length} source prompt(s)/block(s) found verbatim; nothing unconverted`)
        : fail(
            `${lost.length} preserved item(s) changed, ${manifest.unconverted.length} construct(s) unconverted`,
            problems,
          );
    },
  },
];
