// @mohallamart/client: the MohallaMart data layer's API, typed from its
// OpenAPI document, with live queries. React hooks are in
// "@mohallamart/client/react".
export { Client, createClient, newKey, type ClientOptions, type CreateOptions, type Token } from "./client.js";
export { Live, type LiveStatus, type OnChange, type SubscribeOptions, type Subscription } from "./live.js";
export { ProblemError, type Problem, type FieldError, type ErrorCode } from "./problem.js";
export { reduce, type LiveEvent } from "./reduce.js";
export type * from "./types.js";
export type { components, operations, paths } from "./schema.js";
