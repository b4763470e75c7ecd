import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where a pool's per-turn files go: the given directory, or a temporary one made on first use and removed with it. */
export class ScratchDir {
  readonly #given: string | undefined;
  #made: string | undefined;

  constructor(given: string | undefined) {
    this.#given = given;
  }

  root(): string {
    if (this.#given) return this.#given;
    this.#made ??= mkdtempSync(join(tmpdir(), "baton-pool-"));
    return this.#made;
  }

  /** Removes the directory if this made it. */
  remove(): void {
    if (this.#made) rmSync(this.#made, { recursive: true, force: true });
    this.#made = undefined;
  }
}
