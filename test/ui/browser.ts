import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";
import { eventually } from "../helpers/processes.ts";

/** Debian's chromium (`.ci/run` installs it); nothing here downloads a browser. */
export const CHROMIUM = "/usr/bin/chromium";
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** Where the browser tests leave their screenshots (ignored by git; CI keeps `.ci/out`). */
export const SCREENSHOTS = fileURLToPath(new URL("../../.ci/out/screenshots/", import.meta.url));

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A headless chromium with a fresh profile; `close` ends it and removes the profile. */
export async function openBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  // launchPersistentContext is playwright's way of passing a --user-data-dir of our own.
  const profile = mkdtempSync(join(tmpdir(), "baton-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
    timeout: 30_000,
  });
  return {
    context,
    async close() {
      await context.close();
      // Every chromium process carries its profile in its command line: none may be left (its
      // helpers get a moment to exit after the browser did).
      const alive = () =>
        readdirSync("/proc")
          .filter((pid) => /^\d+$/.test(pid))
          .filter((pid) => {
            try {
              return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(profile);
            } catch {
              return false;
            }
          });
      await eventually(() => alive().length === 0, 5_000);
      const left = alive();
      rmSync(profile, { recursive: true, force: true });
      if (left.length) throw new Error(`chromium processes left after close: ${left.join(", ")}`);
    },
  };
}
