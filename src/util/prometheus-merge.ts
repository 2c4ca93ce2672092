// Merges Prometheus text expositions into one: N data plane workers into the node's, or the two
// engines of `--engine haproxy` (engines/split-applier.ts). Samples with the same name and labels
// are summed (counters, histograms, connection gauges), except families that every source reports
// identically (member health): those are taken from the first. Each family keeps the first HELP
// and TYPE it was given (two engines may word a HELP differently; a second one is invalid).

interface Family {
  readonly header: string[];
  readonly samples: Map<string, number>;
}

export interface PrometheusMergeOptions {
  /** Families whose samples are the same truth in every worker: keep the first exposition's. */
  readonly notSummed?: (family: string) => boolean;
}

export function mergePrometheusText(expositions: readonly string[], options: PrometheusMergeOptions = {}): string {
  const families = new Map<string, Family>();
  for (const text of expositions) {
    let family: Family | undefined;
    let familyName = '';
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const header = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (header) {
        familyName = header[2] ?? '';
        family = familyOf(families, familyName);
        const kind = header[1] ?? '';
        if (!family.header.some((kept) => kept.startsWith(`# ${kind} `))) family.header.push(line);
        continue;
      }
      if (line.startsWith('#')) continue;
      const sample = parseSample(line);
      if (!sample) continue;
      if (!family) {
        familyName = sample.name;
        family = familyOf(families, familyName);
      }
      const previous = family.samples.get(sample.key);
      if (previous === undefined) family.samples.set(sample.key, sample.value);
      else if (!options.notSummed?.(familyName)) family.samples.set(sample.key, previous + sample.value);
    }
  }
  const lines: string[] = [];
  for (const family of families.values()) {
    lines.push(...family.header);
    for (const [key, value] of family.samples) lines.push(`${key} ${formatValue(value)}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function familyOf(families: Map<string, Family>, name: string): Family {
  let family = families.get(name);
  if (!family) {
    family = { header: [], samples: new Map() };
    families.set(name, family);
  }
  return family;
}

/** `name{labels} value [timestamp]`; label values may hold spaces, so the value follows the last `}`. */
function parseSample(line: string): { key: string; name: string; value: number } | undefined {
  const labelsEnd = line.lastIndexOf('}');
  const keyEnd = labelsEnd >= 0 ? labelsEnd + 1 : line.indexOf(' ');
  if (keyEnd <= 0) return undefined;
  const key = line.slice(0, keyEnd);
  const valueText = line.slice(keyEnd).trim().split(/\s+/)[0] ?? '';
  const value = parseValue(valueText);
  if (value === undefined) return undefined;
  const braces = key.indexOf('{');
  return { key, name: braces >= 0 ? key.slice(0, braces) : key, value };
}

function parseValue(text: string): number | undefined {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  return text === '' || Number.isNaN(value) ? undefined : value;
}

function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
