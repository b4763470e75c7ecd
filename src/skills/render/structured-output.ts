/** The uniform agent output (the seed's Pattern 6) that every role is told to produce. */

export const OUTPUT_SECTIONS = [
  "Summary",
  "Findings",
  "Proposed changes",
  "Tests",
  "Open questions",
] as const;

export const OUTPUT_FORMAT = `Summary:
- One sentence: what was done and whether it is complete

Findings:
- Finding 1: specific description with file:line
- Finding 2: specific description with file:line

Proposed changes:
- File: path/to/file
- Change: the specific modification
- Risk: the possible impact

Tests:
- New or updated test cases
- Commands to run them

Open questions:
1. A question that needs an answer before going on (or "none")`;

export const CLARIFICATION_FORMAT =
  "CLARIFICATION_NEEDED:\nQ1: <question> | Options: <a>, <b> | Recommended: <a>";

/** How many of the five section labels `text` carries as labels or headings. */
export function outputSectionsIn(text: string): number {
  return OUTPUT_SECTIONS.filter((label) =>
    new RegExp(`(^|\\n)\\s*(#+\\s*|\\*\\*)?${label}\\b`, "i").test(text),
  ).length;
}
