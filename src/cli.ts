#!/usr/bin/env node
// The `swish-wasm` command: `swish-wasm plot <name...>` samples activations and their derivatives
// (src/curve.ts) and writes them as JSON, as an SVG chart (src/svg.ts), or as a summary table.
// Bad usage is one line on stderr starting with "swish-wasm: " and exit code 2; files are written
// to a temporary name and renamed, so a failed run leaves nothing half-written.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { init } from './backends/select.js';
import { activations, kernels } from './registry.js';
import { curve, type Curve } from './curve.js';
import { renderChart } from './svg.js';

const MAX_POINTS = 1_000_000;

class UsageError extends Error {}

const paramsOf = (name: string) => kernels[activations.find((a) => a.name === name)!.forward].params;

function usage(): string {
  const list = activations.map((a) => {
    const p = kernels[a.forward].params.map((q) => `--${q.name} ${q.default}`).join(' ');
    return `  ${a.name.padEnd(15)}${p || '(none)'}`;
  });
  return [
    'Usage: swish-wasm plot <name...> [--from N] [--to N] [--points N] [--json FILE] [--svg FILE] [--param value ...]',
    '',
    'Samples each named activation f and its derivative f′ on evenly spaced x, and writes them',
    'as JSON ({ "<name>": { "x": [...], "y": [...], "dydx": [...] } }) and/or an SVG chart.',
    'With neither --json nor --svg, prints a summary table.',
    '',
    'Options:',
    '  --from N        first x (default -5)',
    '  --to N          last x (default 5)',
    `  --points N      number of samples, 2 to ${MAX_POINTS} (default 1000)`,
    '  --json FILE     write the samples as JSON',
    '  --svg FILE      write a chart of the functions (solid) and derivatives (dashed)',
    '  --title TEXT    the chart title',
    '  --<param> N     a parameter of the named activations, e.g. --beta 1.5 for swish',
    '  -h, --help      print this help',
    '',
    'Activations and their parameters (defaults):',
    ...list,
    '',
    'Example: swish-wasm plot swish sigmoid --from -6 --to 6 --svg activations.svg',
  ].join('\n');
}

function number(s: string, flag: string): number {
  const v = Number(s);
  if (s.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${flag} must be a finite number, got '${s}'`);
  return v;
}

interface Plan {
  names: string[];
  from: number;
  to: number;
  points: number;
  json?: string;
  svg?: string;
  title?: string;
  params: Record<string, number>;
}

function parse(args: string[]): Plan {
  if (args.length === 0) throw new UsageError("missing command: try 'swish-wasm plot swish' or 'swish-wasm --help'");
  if (args[0] !== 'plot') throw new UsageError(`unknown command '${args[0]}': the command is 'plot' (see --help)`);
  const names: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-')) {
      names.push(a);
      continue;
    }
    if (!a.startsWith('--') || a.length === 2) throw new UsageError(`unknown option '${a}' (see --help)`);
    const eq = a.indexOf('=');
    const flag = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const value = eq < 0 ? args[++i] : a.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${flag} needs a value`);
    flags.set(flag, value);
  }
  if (names.length === 0) throw new UsageError(`plot needs at least one activation name; known: ${activations.map((a) => a.name).join(', ')}`);
  for (const n of names) {
    if (!activations.some((a) => a.name === n)) {
      throw new UsageError(`unknown activation '${n}'; known: ${activations.map((a) => a.name).join(', ')}`);
    }
    if (names.indexOf(n) !== names.lastIndexOf(n)) throw new UsageError(`activation '${n}' is named twice`);
  }
  const plan: Plan = { names, from: -5, to: 5, points: 1000, params: {} };
  const paramNames = new Set<string>(names.flatMap((n) => paramsOf(n).map((p) => p.name)));
  for (const [flag, value] of flags) {
    if (flag === 'from' || flag === 'to') plan[flag] = number(value, flag);
    else if (flag === 'points') plan.points = number(value, flag);
    else if (flag === 'json' || flag === 'svg' || flag === 'title') {
      if (value === '') throw new UsageError(`--${flag} needs a value`);
      plan[flag] = value;
    } else if (paramNames.has(flag)) plan.params[flag] = number(value, flag);
    else {
      const known = paramNames.size
        ? `; parameters of ${names.join(', ')}: ${[...paramNames].map((p) => `--${p}`).join(', ')}`
        : ` (${names.join(', ')} ${names.length > 1 ? 'take' : 'takes'} no parameters)`;
      throw new UsageError(`unknown option '--${flag}'${known}`);
    }
  }
  if (!(plan.from < plan.to)) throw new UsageError(`--from must be less than --to, got --from ${plan.from} --to ${plan.to}`);
  if (!Number.isInteger(plan.points) || plan.points < 2 || plan.points > MAX_POINTS) {
    throw new UsageError(`--points must be an integer from 2 to ${MAX_POINTS}, got ${plan.points}`);
  }
  return plan;
}

/** The shortest decimal that reads back as the same float32 (JSON null for NaN and ±∞). */
function f32Text(v: number): string {
  if (!Number.isFinite(v)) return 'null';
  if (Object.is(v, -0)) return '-0'; // valid JSON, and JSON.parse keeps the sign
  let lo = 1; // binary search on the digits: 9 always read back, and more never fail once fewer do
  let hi = 9;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.fround(Number(v.toPrecision(mid))) === v) hi = mid;
    else lo = mid + 1;
  }
  return String(Number(v.toPrecision(lo)));
}

function toJson(curves: Map<string, Curve>): string {
  const arr = (a: Float32Array) => `[${Array.from(a, f32Text).join(',')}]`;
  const body = [...curves].map(([n, c]) => `  ${JSON.stringify(n)}: { "x": ${arr(c.x)}, "y": ${arr(c.y)}, "dydx": ${arr(c.dydx)} }`);
  return `{\n${body.join(',\n')}\n}\n`;
}

function summary(plan: Plan, curves: Map<string, Curve>, backendName: string): string {
  const g = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(5)).toString() : String(v));
  const range = (a: Float32Array) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of a) { if (v < lo) lo = v; if (v > hi) hi = v; }
    return [g(lo), g(hi)];
  };
  const rows = [['activation', 'params', 'min f', 'max f', 'min f′', 'max f′']];
  for (const [n, c] of curves) {
    const p = paramsOf(n).map((q) => `${q.name}=${plan.params[q.name] ?? q.default}`).join(' ');
    rows.push([n, p || '-', ...range(c.y), ...range(c.dydx)]);
  }
  const w = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  const lines = rows.map((r) => r.map((v, j) => (j < 2 ? v.padEnd(w[j]) : v.padStart(w[j]))).join('  ').trimEnd());
  return `${plan.points} points on [${plan.from}, ${plan.to}] (backend: ${backendName})\n${lines.join('\n')}\n`;
}

/** Writes every file under a temporary name first, then renames them all into place. */
function writeAll(files: [string, string][]): void {
  const temps: string[] = [];
  try {
    for (const [path, text] of files) {
      const tmp = `${path}.${process.pid}.tmp`;
      temps.push(tmp);
      writeTo(path, () => writeFileSync(tmp, text));
    }
    files.forEach(([path], i) => writeTo(path, () => renameSync(temps[i], path)));
  } catch (e) {
    for (const t of temps) rmSync(t, { force: true });
    throw e;
  }
}

function writeTo(path: string, write: () => void): void {
  try {
    write();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : code ?? (e as Error).message;
    throw new Error(`cannot write ${path}: ${why}`);
  }
}

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  let plan: Plan;
  const curves = new Map<string, Curve>();
  const backendName = await init();
  try {
    plan = parse(args);
    for (const n of plan.names) {
      const own = Object.fromEntries(paramsOf(n).filter((p) => p.name in plan.params).map((p) => [p.name, plan.params[p.name]]));
      try {
        curves.set(n, curve(n, { from: plan.from, to: plan.to, points: plan.points, ...own }));
      } catch (e) {
        throw new UsageError(`${n}: ${(e as Error).message}`);
      }
    }
  } catch (e) {
    process.stderr.write(`swish-wasm: ${(e as Error).message}\n`);
    return 2;
  }
  const label = (n: string) => {
    const changed = paramsOf(n).filter((p) => p.name in plan.params && plan.params[p.name] !== p.default);
    return changed.length ? `${n} (${changed.map((p) => `${p.name} = ${plan.params[p.name]}`).join(', ')})` : n;
  };
  try {
    const files: [string, string][] = [];
    if (plan.json !== undefined) files.push([plan.json, toJson(curves)]);
    if (plan.svg !== undefined) {
      const series = plan.names.map((n) => ({ name: n, label: label(n), ...curves.get(n)! }));
      files.push([plan.svg, renderChart(series, plan.title === undefined ? {} : { title: plan.title })]);
    }
    if (files.length) writeAll(files);
    else process.stdout.write(summary(plan, curves, backendName));
  } catch (e) {
    process.stderr.write(`swish-wasm: ${(e as Error).message.split('\n')[0]}\n`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
