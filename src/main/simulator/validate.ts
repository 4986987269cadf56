/**
 * A small validator over the contract's structure (see contract.ts). It reports the first
 * problem with a dotted path naming the field, which is what Scenario's 400 answers do.
 *
 * Unknown fields are ALLOWED: the contract is Swagger 2.0 and none of its schemas set
 * `additionalProperties: false`, and Scenario's gateway accepts (and ignores) fields it does
 * not know. A simulator that rejected them would fail clients the real API accepts.
 */
import type { SchemaNode } from './contract';

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `concepts[0].scale`. */
  field: string;
  message: string;
  /** Which check failed: required, type, enum, minimum, maximum, minLength, maxLength. */
  rule: string;
}

export interface ValidateOptions {
  /** Paths whose enum is checked elsewhere (e.g. `modality`, whose combined syntax the enum omits). */
  skipEnumAt?: readonly string[];
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function matchesType(expected: NonNullable<SchemaNode['type']>, value: unknown): boolean {
  switch (expected) {
    case 'object':
      return typeOf(value) === 'object';
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export function validateAgainst(schema: SchemaNode, value: unknown, options: ValidateOptions = {}, path = ''): ValidationIssue | undefined {
  const name = path === '' ? 'body' : path;
  if (schema.type !== undefined && !matchesType(schema.type, value)) {
    return { field: name, rule: 'type', message: `${name} must be ${schema.type === 'array' || schema.type === 'object' ? 'an' : 'a'} ${schema.type}, got ${typeOf(value)}` };
  }
  if (schema.enum !== undefined && !options.skipEnumAt?.includes(path) && !schema.enum.includes(value)) {
    return { field: name, rule: 'enum', message: `${name} must be one of ${schema.enum.join(', ')}` };
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) {
      return { field: name, rule: 'minimum', message: `${name} must be greater than or equal to ${schema.minimum}` };
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      return { field: name, rule: 'maximum', message: `${name} must be less than or equal to ${schema.maximum}` };
    }
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      return { field: name, rule: 'minLength', message: `${name} must be at least ${schema.minLength} characters long` };
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      return { field: name, rule: 'maxLength', message: `${name} must be at most ${schema.maxLength} characters long` };
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (const [index, item] of value.entries()) {
      const issue = validateAgainst(schema.items, item, options, `${path}[${index}]`);
      if (issue) return issue;
    }
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (record[key] === undefined) return { field: join(path, key), rule: 'required', message: `${join(path, key)} is required` };
    }
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (record[key] === undefined) continue;
      const issue = validateAgainst(child, record[key], options, join(path, key));
      if (issue) return issue;
    }
  }
  return undefined;
}
