/**
 * Smithy-schema driven (de)serialisation for the AWS query protocols.
 *
 * The AWS SDK v3 clients ship the Smithy model of every operation as static schemas (`DescribeVpcs$`…).
 * The fake server walks those schemas the way the AWS wire protocols are specified:
 * - EC2 query **requests**: a member's key is its `ec2QueryName`, else its capitalised `xmlName`, else
 *   its capitalised member name; lists are flattened (`Filter.1.Value.2`).
 * - EC2 / awsQuery **responses**: a member's element is its `xmlName`, else its member name; a list is
 *   wrapped in the member element and each entry is named by the list member's `xmlName` (`item` for EC2,
 *   `member` by default); timestamps are ISO 8601; booleans `true`/`false`.
 * So every field of an SDK-shaped object is written with the element name the real service uses.
 */
import { NormalizedSchema, deref } from "@smithy/core/schema";
import type { StaticOperationSchema } from "@smithy/types";

/** XML-escapes text content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&apos;",
  );
}

function toIso(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === "string" || typeof value === "number") {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  return undefined;
}

function scalarText(ns: NormalizedSchema, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (ns.isTimestampSchema()) return toIso(value);
  if (ns.isBooleanSchema()) return value === true || value === "true" ? "true" : "false";
  if (ns.isBlobSchema()) {
    if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
    return Buffer.from(String(value)).toString("base64");
  }
  return String(value);
}

/**
 * Writes `value` (an SDK-shaped object) as the XML content of an element named by the schema.
 * Returns the XML of the members only (no enclosing element) for structures.
 */
export function structToXml(schema: NormalizedSchema, value: Record<string, unknown>): string {
  let out = "";
  for (const [memberName, member] of schema.structIterator()) {
    const v = value[memberName];
    if (v === undefined || v === null) continue;
    const element = member.getMemberTraits().xmlName ?? memberName;
    out += valueToXml(member, element, v);
  }
  return out;
}

function valueToXml(ns: NormalizedSchema, element: string, value: unknown): string {
  if (ns.isListSchema()) {
    if (!Array.isArray(value)) return "";
    const itemSchema = ns.getValueSchema();
    const itemName = itemSchema.getMergedTraits().xmlName ?? "member";
    const flat = Boolean(ns.getMergedTraits().xmlFlattened);
    const items = value.filter((v) => v !== undefined && v !== null).map((v) => valueToXml(itemSchema, flat ? element : itemName, v));
    return flat ? items.join("") : `<${element}>${items.join("")}</${element}>`;
  }
  if (ns.isMapSchema()) {
    if (typeof value !== "object" || value === null) return "";
    const keyName = ns.getKeySchema().getMergedTraits().xmlName ?? "key";
    const valueSchema = ns.getValueSchema();
    const valueName = valueSchema.getMergedTraits().xmlName ?? "value";
    let entries = "";
    for (const [k, v] of Object.entries(value)) {
      entries += `<entry><${keyName}>${escapeXml(k)}</${keyName}>${valueToXml(valueSchema, valueName, v)}</entry>`;
    }
    return `<${element}>${entries}</${element}>`;
  }
  if (ns.isStructSchema()) {
    if (typeof value !== "object" || value === null) return "";
    return `<${element}>${structToXml(ns, value as Record<string, unknown>)}</${element}>`;
  }
  if (ns.isDocumentSchema()) return "";
  const text = scalarText(ns, value);
  return text === undefined ? "" : `<${element}>${escapeXml(text)}</${element}>`;
}

/** The output structure schema of an SDK operation schema (`DescribeVpcs$`). */
export function outputSchema(op: StaticOperationSchema): NormalizedSchema {
  return NormalizedSchema.of(deref(op[5]));
}

/** The input structure schema of an SDK operation schema. */
export function inputSchema(op: StaticOperationSchema): NormalizedSchema {
  return NormalizedSchema.of(deref(op[4]));
}

/** Decoded form parameters: nested by the dots of the key (`Filter.1.Value.2`). */
interface FormNode {
  value?: string;
  children: Map<string, FormNode>;
}

function formTree(params: URLSearchParams): FormNode {
  const root: FormNode = { children: new Map() };
  for (const [key, value] of params) {
    let node = root;
    for (const part of key.split(".")) {
      let next = node.children.get(part);
      if (!next) {
        next = { children: new Map() };
        node.children.set(part, next);
      }
      node = next;
    }
    node.value = value;
  }
  return root;
}

function capitalise(name: string): string {
  return name.length === 0 ? name : name[0]!.toUpperCase() + name.slice(1);
}

/** Thrown when a form value cannot be read as its schema type (the fake answers `InvalidParameterValue`). */
export class FormValueError extends Error {
  override readonly name = "FormValueError";
  constructor(
    readonly key: string,
    readonly value: string,
    readonly expected: string,
  ) {
    super(`Invalid value '${value}' for ${key}: expected ${expected}`);
  }
}

function readNode(ns: NormalizedSchema, node: FormNode, key: string): unknown {
  if (ns.isListSchema()) {
    const itemSchema = ns.getValueSchema();
    const indexed = [...node.children.entries()]
      .filter(([k]) => /^\d+$/.test(k))
      .sort(([a], [b]) => Number(a) - Number(b));
    return indexed.map(([k, child]) => readNode(itemSchema, child, `${key}.${k}`));
  }
  if (ns.isStructSchema()) {
    const out: Record<string, unknown> = {};
    for (const [memberName, member] of ns.structIterator()) {
      const traits = member.getMergedTraits();
      const wire = (traits.ec2QueryName as string | undefined) ?? capitalise((traits.xmlName as string | undefined) ?? memberName);
      const child = node.children.get(wire);
      if (child) out[memberName] = readNode(member, child, key ? `${key}.${wire}` : wire);
    }
    return out;
  }
  const text = node.value ?? "";
  if (ns.isBooleanSchema()) {
    if (text !== "true" && text !== "false") throw new FormValueError(key, text, "true or false");
    return text === "true";
  }
  if (ns.isNumericSchema()) {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n)) throw new FormValueError(key, text, "a number");
    return n;
  }
  if (ns.isTimestampSchema()) {
    const d = new Date(text);
    if (Number.isNaN(d.getTime())) throw new FormValueError(key, text, "an ISO 8601 timestamp");
    return d;
  }
  return text;
}

/**
 * Reads an EC2 query request body into the SDK input shape of the operation
 * (`Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1` → `{ Filters: [{ Name: "vpc-id", Values: ["vpc-1"] }] }`).
 */
export function readEc2QueryInput(op: StaticOperationSchema, params: URLSearchParams): Record<string, unknown> {
  return readNode(inputSchema(op), formTree(params), "") as Record<string, unknown>;
}
