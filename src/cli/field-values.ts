// Parsing of option values by field type: the same rules for every resource's create and update.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { FieldSpec } from './resources.js';

/** Commander argParser for a field: returns the API value, or accumulates for repeatable types. */
export function parseFieldValue(field: FieldSpec, raw: string, previous: unknown): unknown {
  switch (field.type) {
    case 'string':
      return raw;
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw new InvalidArgumentError('not an integer.');
      return Number(raw);
    }
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('not a number.');
      return n;
    }
    case 'bool':
      return parseBool(raw);
    case 'list':
      return [...asArray(previous), ...splitList(raw)];
    case 'iplist':
      return [...asArray(previous), ...splitList(raw).map(parseIpEntry)];
    case 'json':
      try {
        return JSON.parse(raw) as unknown;
      } catch (err) {
        throw new InvalidArgumentError(`not valid JSON (${(err as Error).message}).`);
      }
    case 'file':
      try {
        return readFileSync(raw, 'utf8');
      } catch (err) {
        throw new InvalidArgumentError(`cannot read ${raw}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
      }
  }
}

export function parseBool(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (v === 'true' || v === 'yes' || v === '1') return true;
  if (v === 'false' || v === 'no' || v === '0') return false;
  throw new InvalidArgumentError('expected true or false.');
}

function splitList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function asArray(previous: unknown): unknown[] {
  return Array.isArray(previous) ? previous : [];
}

function parseIpEntry(entry: string): { ip: string; description: string } {
  const eq = entry.indexOf('=');
  return eq < 0 ? { ip: entry, description: '' } : { ip: entry.slice(0, eq), description: entry.slice(eq + 1) };
}
