import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * references/conversion.json: written by `baton skill convert` so a later `validate` can check the
 * conversion kept the source's prompts and code verbatim, and that nothing was left unconverted.
 */
export const MANIFEST_PATH = "references/conversion.json";

const preservedSchema = z.strictObject({
  kind: z.enum(["code-block", "prompt", "body"]),
  source: z.string(),
  line: z.number().int(),
  sha256: z.string().length(64),
  length: z.number().int().min(1),
  /** The first characters, to find candidate places cheaply. */
  anchor: z.string().min(1),
});

export const unconvertedSchema = z.strictObject({
  file: z.string(),
  line: z.number().int(),
  construct: z.string(),
  text: z.string(),
  hint: z.string(),
});
export type Unconverted = z.infer<typeof unconvertedSchema>;

/** A span of source lines the conversion rewrote, and into what. */
export const changeSchema = z.strictObject({
  file: z.string(),
  line: z.number().int(),
  endLine: z.number().int(),
  what: z.string(),
});
export type Change = z.infer<typeof changeSchema>;

export const manifestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  source: z.strictObject({ type: z.string(), path: z.string() }),
  preserved: z.array(preservedSchema),
  unconverted: z.array(unconvertedSchema),
  notes: z.array(z.string()).default([]),
  /** Every source line that is not in the package unchanged is covered by a change or an unconverted entry. */
  changed: z.array(changeSchema).default([]),
});
export type ConversionManifest = z.infer<typeof manifestSchema>;
export type Preserved = z.infer<typeof preservedSchema>;

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function preserved(kind: Preserved["kind"], source: string, line: number, text: string): Preserved {
  return { kind, source, line, sha256: sha256(text), length: text.length, anchor: text.slice(0, 40) };
}

/** True when `texts` contain the preserved text somewhere, byte for byte. */
export function isPreservedIn(item: Preserved, texts: readonly string[]): boolean {
  for (const text of texts) {
    let from = text.indexOf(item.anchor);
    while (from !== -1) {
      if (sha256(text.slice(from, from + item.length)) === item.sha256) return true;
      from = text.indexOf(item.anchor, from + 1);
    }
  }
  return false;
}
