import { z } from "zod";

/** `inputTokens` → `input_tokens`: Codex's spelling, which the MCP tools speak. */
export type Snake<S extends string> = S extends `${infer C}${infer Rest}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${Snake<Rest>}`
  : S;
export type SnakeKeys<T> = { [K in keyof T as K extends string ? Snake<K> : K]: T[K] };

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A core schema in snake_case: the same fields and checks under Codex's names, so an MCP shape is
 * derived from the library's one instead of being written a second time.
 */
export function snakeSchema<S extends z.ZodRawShape>(schema: z.ZodObject<S>): z.ZodObject<SnakeKeys<S>> {
  const shape = Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [snake(key), field]));
  return z.object(shape) as unknown as z.ZodObject<SnakeKeys<S>>;
}

/** A value of a core shape under the snake_case names of `snakeSchema` (top-level keys). */
export function snakeKeys<T extends object>(value: T): SnakeKeys<T> {
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [snake(key), field])) as SnakeKeys<T>;
}
