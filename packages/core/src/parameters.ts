/**
 * Rule parameter schemas: closed (unknown keys are refused), with defaults and bounds. Values may arrive
 * as strings (AWS Config input parameters, CLI `--param`) or as numbers/arrays (code).
 */
import { ParameterValidationError } from "./errors";

export interface IntegerParameter {
  type: "integer";
  description: string;
  default: number;
  minimum: number;
  maximum?: number;
}

export interface EnumParameter<V extends string = string> {
  type: "enum";
  description: string;
  values: readonly V[];
  /** Without a default the parameter is optional and absent means "any". */
  default?: V;
}

export interface EnumListParameter<V extends string = string> {
  type: "enumList";
  description: string;
  values: readonly V[];
  default: readonly V[];
}

/**
 * A comma-separated list of identifiers of one shape (12-digit account ids, `o-…` organization ids). Its
 * default is usually empty, meaning what `emptyMeans` says.
 */
export interface StringListParameter {
  type: "stringList";
  description: string;
  /** What one item is, for messages: "a 12-digit account id". */
  item: string;
  /** The pattern (anchored) every item matches. */
  pattern: RegExp;
  default: readonly string[];
  /** What an empty list means (e.g. "the audited account"); shown where the default is. */
  emptyMeans?: string;
}

/** `true` or `false` (AWS Config sends the text; case is ignored). */
export interface BooleanParameter {
  type: "boolean";
  description: string;
  default: boolean;
}

export type ParameterSpec = IntegerParameter | EnumParameter | EnumListParameter | StringListParameter | BooleanParameter;
export type ParameterSchema = Readonly<Record<string, ParameterSpec>>;

type ValueOf<S extends ParameterSpec> = S extends IntegerParameter
  ? number
  : S extends StringListParameter
    ? string[]
    : S extends BooleanParameter
      ? boolean
  : S extends EnumListParameter<infer V>
    ? V[]
    : S extends EnumParameter<infer V>
      ? S extends { default: string }
        ? V
        : V | undefined
      : never;

/** The typed parameters a schema produces. */
export type ParametersOf<S extends ParameterSchema> = { [K in keyof S]: ValueOf<S[K]> };

/** Human description of what a parameter accepts, used in errors and `endpoint-auditor rules`. */
export function describeAllowed(spec: ParameterSpec): string {
  switch (spec.type) {
    case "integer":
      return spec.maximum === undefined
        ? `an integer ≥ ${spec.minimum}`
        : `an integer from ${spec.minimum} to ${spec.maximum}`;
    case "enum":
      return `one of ${spec.values.join(", ")}`;
    case "enumList":
      return `a comma-separated list of ${spec.values.join(", ")}`;
    case "stringList":
      return `a comma-separated list, each ${spec.item}`;
    case "boolean":
      return "true or false";
  }
}

/** The default of a parameter as AWS Config input-parameter text, or undefined when it has none. */
export function defaultAsString(spec: ParameterSpec): string | undefined {
  switch (spec.type) {
    case "integer":
      return String(spec.default);
    case "enum":
      return spec.default;
    case "enumList":
      return spec.default.join(",");
    case "stringList":
      return spec.default.length > 0 ? spec.default.join(",") : undefined;
    case "boolean":
      return String(spec.default);
  }
}

/**
 * The default value of a parameter as code receives it (a fresh copy for lists).
 *
 * @example
 * ```ts
 * defaultValue({ type: "boolean", description: "", default: true }); // true
 * ```
 */
export function defaultValue(spec: ParameterSpec): unknown {
  return spec.type === "enumList" || spec.type === "stringList" ? [...spec.default] : spec.default;
}

function parseOne(ruleId: string, name: string, spec: ParameterSpec, value: unknown): unknown {
  const fail = (): never => {
    throw new ParameterValidationError(ruleId, name, describeAllowed(spec), value);
  };
  switch (spec.type) {
    case "integer": {
      let n: number;
      if (typeof value === "number") n = value;
      else if (typeof value === "string" && /^\s*-?\d+\s*$/.test(value)) n = Number(value.trim());
      else return fail();
      if (!Number.isSafeInteger(n) || n < spec.minimum || (spec.maximum !== undefined && n > spec.maximum)) fail();
      return n;
    }
    case "enum": {
      if (typeof value !== "string") return fail();
      const v = value.trim();
      const match = spec.values.find((allowed) => allowed.toLowerCase() === v.toLowerCase());
      return match ?? fail();
    }
    case "enumList": {
      let items: unknown[];
      if (typeof value === "string") items = value.split(",").map((s) => s.trim());
      else if (Array.isArray(value)) items = value;
      else return fail();
      if (items.length === 0) fail();
      const out: string[] = [];
      for (const item of items) {
        if (typeof item !== "string") return fail();
        const match = spec.values.find((allowed) => allowed.toLowerCase() === item.trim().toLowerCase());
        if (match === undefined) return fail();
        if (!out.includes(match)) out.push(match);
      }
      return out;
    }
    case "stringList": {
      let items: unknown[];
      if (typeof value === "string") items = value.split(",").map((x) => x.trim()).filter((x) => x !== "");
      else if (Array.isArray(value)) items = value;
      else return fail();
      const out: string[] = [];
      for (const item of items) {
        if (typeof item !== "string" || !spec.pattern.test(item.trim())) return fail();
        if (!out.includes(item.trim())) out.push(item.trim());
      }
      return out;
    }
    case "boolean": {
      if (typeof value === "boolean") return value;
      if (typeof value === "string" && /^\s*(true|false)\s*$/i.test(value)) return value.trim().toLowerCase() === "true";
      return fail();
    }
  }
}

/**
 * Validates raw parameters against a closed schema and fills in defaults. Absent, `null` and empty-string
 * values take the default.
 *
 * @throws ParameterValidationError naming the parameter and the allowed values.
 * @example
 * ```ts
 * parseParameters("interface-endpoint-in-use", schema, { lookbackDays: "60" }); // { lookbackDays: 60, … }
 * ```
 */
export function parseParameters<S extends ParameterSchema>(
  ruleId: string,
  schema: S,
  raw: Readonly<Record<string, unknown>> = {},
): ParametersOf<S> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ParameterValidationError(ruleId, "(parameters)", "an object of parameter names to values", raw);
  }
  for (const key of Object.keys(raw)) {
    if (!Object.prototype.hasOwnProperty.call(schema, key)) {
      const names = Object.keys(schema);
      throw new ParameterValidationError(
        ruleId,
        key,
        names.length ? `no such parameter; known: ${names.join(", ")}` : "this rule takes no parameters",
        raw[key],
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const value = raw[name];
    if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
      out[name] = defaultValue(spec);
    } else {
      out[name] = parseOne(ruleId, name, spec, value);
    }
  }
  return out as ParametersOf<S>;
}
