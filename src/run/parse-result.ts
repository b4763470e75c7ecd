import {
  type Finding,
  type Severity,
  SeveritySchema,
  type WorkerResult,
  WorkerResultSchema,
} from "./worker-result.ts";

export interface ParsedResult {
  result: WorkerResult;
  /** How the final message was read: schema-valid JSON, or the tolerant Markdown reading. */
  format: "json" | "markdown";
  clarification: boolean;
}

/** Reads a worker's final message: JSON per the schema if it is that, else the seed's Markdown shape. */
export function parseWorkerResult(text: string): ParsedResult {
  const json = tryJson(text);
  if (json) {
    const parsed = WorkerResultSchema.safeParse(json);
    if (parsed.success)
      return { result: parsed.data, format: "json", clarification: hasClarification(text, parsed.data) };
  }
  const result = parseMarkdown(text);
  return { result, format: "markdown", clarification: hasClarification(text, result) };
}

function hasClarification(text: string, result: WorkerResult): boolean {
  return /^\s*CLARIFICATION_NEEDED:/m.test(text) || result.open_questions.length > 0;
}

function tryJson(text: string): unknown {
  const trimmed = text.trim().replace(/^```(?:json)?\s*\n([\s\S]*?)\n```$/, "$1");
  if (!trimmed.startsWith("{")) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

type Section = "summary" | "findings" | "changes" | "tests" | "questions" | "other";

const HEADINGS: Array<[RegExp, Section]> = [
  [/^summary\b/i, "summary"],
  [/^(top )?findings\b|^issues\b/i, "findings"],
  [/^proposed changes\b|^changes\b|^recommended fixes\b/i, "changes"],
  [/^tests?\b/i, "tests"],
  [/^open questions\b|^questions\b|^clarification_needed\b/i, "questions"],
];

/** Tolerant reader of the seed's Markdown output shape (headings or "Label:" lines, bullets). */
export function parseMarkdown(text: string): WorkerResult {
  const buckets: Record<Section, string[]> = {
    summary: [],
    findings: [],
    changes: [],
    tests: [],
    questions: [],
    other: [],
  };
  let section: Section = "other";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const heading = /^(?:#{1,6}\s*)?\**([A-Za-z_ ]+?)\**\s*(?::\s*(.*))?$/.exec(line);
    const match = heading ? HEADINGS.find(([re]) => re.test(heading[1]!.trim())) : undefined;
    if (heading && match && (line.startsWith("#") || line.includes(":") || line.startsWith("**"))) {
      section = match[1];
      const rest = (heading[2] ?? "").trim();
      if (rest) buckets[section].push(rest);
      continue;
    }
    if (line) buckets[section].push(line);
  }
  const items = (lines: string[]) => joinItems(lines);
  const summary = items(buckets.summary)[0] ?? items(buckets.other)[0] ?? "";
  return {
    summary: summary.replace(/^[-*]\s*/, ""),
    findings: items(buckets.findings).map(toFinding),
    proposed_changes: toChanges(buckets.changes),
    tests: items(buckets.tests),
    open_questions: items(buckets.questions).map(toQuestion),
  };
}

/** Bullets and numbered lines start items; indented continuation lines join the previous item. */
function joinItems(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const bullet = /^(?:[-*•]|\d+[.)])\s+(.*)$/.exec(line);
    if (bullet) out.push(bullet[1]!.trim());
    else if (out.length > 0) out[out.length - 1] += ` ${line}`;
    else out.push(line);
  }
  return out;
}

function toFinding(text: string): Finding {
  const sev = /\[(critical|high|medium|low|info)\]|\b(critical|high|medium|low|info)\b\s*[:—-]/i.exec(text);
  const severity = (sev ? (sev[1] ?? sev[2])!.toLowerCase() : "medium") as Severity;
  const location = /`([^`]+\.[a-z]+(?::\d+)?)`|\b([\w./-]+\.[a-z]{1,5}:\d+)\b/i.exec(text);
  const title = text
    .replace(sev?.[0] ?? "", "")
    .replace(/^Finding \d+:\s*/i, "")
    .trim();
  return {
    title,
    severity: SeveritySchema.parse(severity),
    location: location ? (location[1] ?? location[2])! : "",
    evidence: "",
    recommendation: "",
  };
}

function toChanges(lines: string[]): WorkerResult["proposed_changes"] {
  const changes: WorkerResult["proposed_changes"] = [];
  for (const item of joinItems(lines)) {
    const field = /^(file|change|risk)\s*:\s*(.*)$/i.exec(item);
    if (!field) {
      changes.push({ file: "", change: item, risk: "" });
      continue;
    }
    const key = field[1]!.toLowerCase() as "file" | "change" | "risk";
    const last = changes.at(-1);
    if (key === "file" || !last || last[key] !== "")
      changes.push({ file: "", change: "", risk: "", [key]: field[2]! });
    else last[key] = field[2]!;
  }
  return changes;
}

function toQuestion(text: string): WorkerResult["open_questions"][number] {
  // "Q1: … | Options: a, b | Recommended: a"
  const parts = text.split("|").map((p) => p.trim());
  const question = parts[0]!.replace(/^Q\d+:\s*/i, "");
  const options =
    parts
      .find((p) => /^options:/i.test(p))
      ?.replace(/^options:\s*/i, "")
      .split(/\s*[,/]\s*/) ?? [];
  const recommended =
    parts.find((p) => /^recommended:/i.test(p))?.replace(/^recommended:\s*/i, "") ?? options[0] ?? "";
  return { question, options: options.filter(Boolean), recommended };
}
