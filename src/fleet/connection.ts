import { readFileSync } from "node:fs";
import type { Redis, RedisOptions } from "ioredis";
import { BatonError } from "../errors.ts";
import { loadFleetDeps } from "./deps.ts";

/** Where the fleet's Redis is, and how to reach it: parsed from `--queue redis://…` and the environment. */
export interface FleetConnection {
  options: RedisOptions;
  /** The URL without its password, for messages and records. */
  display: string;
}

/**
 * `redis://[user[:password]@]host[:port][/db]`, or `rediss://…` for TLS. The password may instead come
 * from `$BATON_REDIS_PASSWORD` (kept out of argv and shell history); `$BATON_REDIS_CA_FILE` names a CA
 * bundle for TLS with a private CA.
 * @example parseQueueUrl("redis://127.0.0.1:6379") // { options: { host: "127.0.0.1", port: 6379, … }, … }
 */
export function parseQueueUrl(text: string, env: NodeJS.ProcessEnv = process.env): FleetConnection {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BatonError(
      "E_USAGE",
      `\`queue\`: "${text}" is not a URL; use redis://HOST:PORT (or rediss:// for TLS)`,
    );
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    throw new BatonError(
      "E_USAGE",
      `\`queue\`: expected a redis:// or rediss:// URL, got "${url.protocol}//…"`,
    );
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db))
    throw new BatonError(
      "E_USAGE",
      `\`queue\`: the path of the URL is a database number (e.g. /0), got "/${db}"`,
    );
  const options: RedisOptions = {
    host: url.hostname || "127.0.0.1",
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : env.BATON_REDIS_PASSWORD || undefined,
    db: db === "" ? 0 : Number(db),
    // BullMQ's blocking connections must never give up on a command.
    maxRetriesPerRequest: null,
    connectionName: "baton",
  };
  if (url.protocol === "rediss:") {
    const ca = env.BATON_REDIS_CA_FILE;
    options.tls = { servername: options.host, ...(ca ? { ca: readFileSync(ca) } : {}) };
  }
  const display = `${url.protocol}//${url.username ? `${url.username}@` : ""}${url.host}${db ? `/${db}` : ""}`;
  return { options, display };
}

/** A client that fails fast when Redis cannot be reached at all (instead of retrying forever). */
export async function connectRedis(conn: FleetConnection): Promise<Redis> {
  const { Redis } = await loadFleetDeps();
  const redis = new Redis({ ...conn.options, lazyConnect: true, enableAutoPipelining: true });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new BatonError(
      "E_BACKEND",
      `\`queue\` ${conn.display}: cannot reach Redis (${(error as Error).message}); is it running, and are the host, port, password and TLS right?`,
      { cause: error },
    );
  }
  return redis;
}
