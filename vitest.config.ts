import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real codex processes are heavy; the CI machine has 2 cores.
    maxWorkers: process.env.CI ? 2 : 4,
  },
});
