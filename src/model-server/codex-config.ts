/**
 * The codex configuration that points codex at a scripted model server and keeps it offline
 * (no analytics, no plugin marketplace, no retries, no endless reconnects). Checked with codex 0.169.0.
 */
export interface CodexOfflineConfig {
  /** The server's base URL, e.g. "http://127.0.0.1:PORT/v1". */
  baseUrl: string;
  /** Model slug sent in requests; default "scripted-model". */
  model?: string;
  /** Path of a model catalog describing the slug (see scriptedModelCatalog), which silences
   * codex's "Model metadata … not found" warning. */
  modelCatalogPath?: string;
}

const PROVIDER = "local";
export const SCRIPTED_MODEL = "scripted-model";
/** The variable codex reads the key from (sent as `Authorization: Bearer …`; the server ignores it). */
export const LOCAL_API_KEY_ENV = "LOCAL_API_KEY";

/** [key, TOML value] pairs; the same keys work in config.toml and as `codex -c key=value`. */
function entries(config: CodexOfflineConfig): [string, string][] {
  const q = (s: string): string => JSON.stringify(s);
  return [
    ["model", q(config.model ?? SCRIPTED_MODEL)],
    ["model_provider", q(PROVIDER)],
    ...(config.modelCatalogPath
      ? [["model_catalog_json", q(config.modelCatalogPath)] as [string, string]]
      : []),
    ["approval_policy", q("never")],
    ["check_for_update_on_startup", "false"],
    ["analytics.enabled", "false"],
    ["features.plugins", "false"],
    ["features.unbounded_connection_retries", "false"],
    [`model_providers.${PROVIDER}.name`, q(PROVIDER)],
    [`model_providers.${PROVIDER}.base_url`, q(config.baseUrl)],
    [`model_providers.${PROVIDER}.wire_api`, q("responses")],
    [`model_providers.${PROVIDER}.env_key`, q(LOCAL_API_KEY_ENV)],
    [`model_providers.${PROVIDER}.request_max_retries`, "0"],
    [`model_providers.${PROVIDER}.stream_max_retries`, "0"],
  ];
}

/** `-c key=value` arguments for codex (each pair is ["-c", "key=value"]). */
export function codexConfigArgs(config: CodexOfflineConfig): string[] {
  return entries(config).flatMap(([key, value]) => ["-c", `${key}=${value}`]);
}

/** The same settings as a `$CODEX_HOME/config.toml`. */
export function codexConfigToml(config: CodexOfflineConfig): string {
  const tables = new Map<string, string[]>([["", []]]);
  for (const [key, value] of entries(config)) {
    const dot = key.lastIndexOf(".");
    const table = dot < 0 ? "" : key.slice(0, dot);
    if (!tables.has(table)) tables.set(table, []);
    tables.get(table)!.push(`${key.slice(dot + 1)} = ${value}`);
  }
  return [...tables]
    .map(([table, lines]) => (table ? `[${table}]\n` : "") + lines.join("\n"))
    .join("\n\n")
    .concat("\n");
}

/**
 * A `model_catalog_json` document describing the scripted slug. Only codex's required fields are set,
 * so codex keeps the tools of its fallback metadata (exec_command, write_stdin, …) and only the
 * warning goes away; the short base instructions also keep requests small.
 */
export function scriptedModelCatalog(model = SCRIPTED_MODEL): unknown {
  return {
    models: [
      {
        slug: model,
        display_name: "Scripted model (baton model-server)",
        supported_reasoning_levels: [],
        shell_type: "unified_exec",
        visibility: "list",
        supported_in_api: true,
        priority: 0,
        support_verbosity: false,
        truncation_policy: { mode: "tokens", limit: 10_000 },
        experimental_supported_tools: [],
        base_instructions:
          "You are a scripted model served by baton model-server for offline rehearsals and tests.",
      },
    ],
  };
}
