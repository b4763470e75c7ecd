import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** A fresh random access token: 128 bits, URL-safe. */
export function newToken(): string {
  return randomBytes(16).toString("base64url");
}

export type Refusal = { status: 401 | 403 | 405; text: string };

/**
 * Only GET and HEAD, only for this server's own host name (a page on another site that resolves its
 * name to 127.0.0.1 gets nothing), and only with the token that `baton ui` printed.
 */
export function checkAccess(
  req: IncomingMessage,
  url: URL,
  token: string,
  port: number,
): Refusal | undefined {
  if (req.method !== "GET" && req.method !== "HEAD")
    return { status: 405, text: "baton ui is read-only: only GET and HEAD are served." };
  const host = req.headers.host ?? "";
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
    return { status: 403, text: `baton ui answers only for 127.0.0.1:${port}, not for host "${host}".` };
  const given = Buffer.from(url.searchParams.get("token") ?? "");
  const wanted = Buffer.from(token);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return {
      status: 401,
      text: "This page needs the access token in its address (?token=…): open the URL that baton ui printed.",
    };
  return undefined;
}

/** Run and agent ids as baton makes them; anything else (a path, "..") is not looked up. */
export function isPlainId(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(value) && !value.includes("..");
}
