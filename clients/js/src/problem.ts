import type { components } from "./schema.js";

/** Problem is an RFC 9457 problem as the server writes it. */
export type Problem = components["schemas"]["Problem"];
/** FieldError names one invalid field of a request and what is wrong with it. */
export type FieldError = components["schemas"]["FieldError"];
/** ErrorCode is the data layer's error code, the same on every route. */
export type ErrorCode = NonNullable<Problem["code"]>;

/**
 * ProblemError is thrown for every answer of 400 or more: status, the data
 * layer's code ("invalid", "conflict", …), the invalid fields, and the whole
 * problem, whose other members carry facts such as the stock left.
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly code: ErrorCode | undefined;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[];
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.name = "ProblemError";
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.problem = problem;
  }

  /** fieldError returns the message for one field ("items.0.quantity"), if it was invalid. */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }

  /** fromResponse reads a failed response as a ProblemError, even one that is not problem+json. */
  static async fromResponse(r: Response): Promise<ProblemError> {
    const text = await r.text().catch(() => "");
    try {
      const p = JSON.parse(text) as Problem;
      if (p && typeof p === "object" && typeof p.status === "number") return new ProblemError(p);
    } catch {
      // not JSON: a proxy's page, say
    }
    return new ProblemError({ type: "about:blank", title: r.statusText || `HTTP ${r.status}`,
      status: r.status, detail: text.slice(0, 200) || undefined });
  }
}
