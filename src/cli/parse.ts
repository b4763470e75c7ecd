import { BatonError } from "../errors.ts";

/** "a,b, c" → ["a","b","c"]; also accepts the flag repeated (commander collects). */
export function parseList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

export function parseWhole(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new BatonError("E_USAGE", `${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
}
