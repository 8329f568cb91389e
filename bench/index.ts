/**
 * Workspace index benchmark (`npm run bench:index`): generates a mixed-language workspace of
 * realistic files (TypeScript, TSX, JavaScript, Python, Go, Java; 50–400 lines, several classes and
 * functions each), then times the cold index, one-file updates from editor text and from disk, and
 * prints peak RSS. Targets: cold ≤ 30 s, one-file update ≤ 50 ms.
 *
 *   node dist/bench/index.js [--files 5000] [--updates 50] [--keep] [--no-routes]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { routeExtractor } from '../language-server/index/routes';
import { WorkspaceIndex } from '../language-server/index/workspace-index';

interface Args {
  files: number;
  updates: number;
  keep: boolean;
  /** Run the route extractor too, as the language server does; `--no-routes` measures symbols alone. */
  routes: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (flag: string, fallback: number) => {
    const i = argv.indexOf(flag);
    const n = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got "${argv[i + 1]}".`);
    return n;
  };
  return { files: value('--files', 5000), updates: value('--updates', 50), keep: argv.includes('--keep'), routes: !argv.includes('--no-routes') };
}

/** A small deterministic generator so every run indexes the same workspace. */
class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state / 0x100000000;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
}

const WORDS = ['order', 'invoice', 'payment', 'customer', 'cart', 'shipment', 'refund', 'stock', 'price', 'report', 'session', 'account'];
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Statement lines in the language's comment style; `;` is valid (if unusual) in all of them. */
function body(rng: Rng, indent: string, lines: number, comment = '//'): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const w = cap(WORDS[rng.int(0, WORDS.length - 1)]!);
    out.push(i % 4 === 3 ? `${indent}${comment} Keep ${w} totals consistent with the ledger before saving.` : `${indent}total += compute${w}(items, ${i});`);
  }
  return out.join('\n');
}

type Gen = (rng: Rng, n: number, targetLines: number) => string;

const genTs: Gen = (rng, n, target) => {
  const parts = [`import { Repository } from '../shared/repository';\n`];
  let lines = 2;
  for (let c = 0; lines < target; c++) {
    const name = `${cap(WORDS[(n + c) % WORDS.length]!)}Service${n}_${c}`;
    const methods: string[] = [];
    for (let m = 0; m < rng.int(2, 5); m++) {
      const len = rng.int(3, 12);
      methods.push(`  async handle${cap(WORDS[m]!)}${m}(items: number[]): Promise<number> {\n    let total = 0;\n    const helper = (x: number) => x * 2;\n${body(rng, '    ', len)}\n    return helper(total);\n  }\n`);
      lines += len + 5;
    }
    parts.push(`export class ${name} {\n  constructor(private readonly repo: Repository) {}\n\n${methods.join('\n')}\n  onEvent = async (id: string) => {\n    await this.repo.touch(id);\n  };\n}\n`);
    parts.push(`export const handler${c} = async (items: number[]) => {\n  let total = 0;\n${body(rng, '  ', 4)}\n  return total;\n};\n`);
    lines += 16;
  }
  return parts.join('\n');
};

const genPy: Gen = (rng, n, target) => {
  const parts = ['import logging\n\nlog = logging.getLogger(__name__)\n'];
  let lines = 4;
  for (let c = 0; lines < target; c++) {
    const methods: string[] = [];
    for (let m = 0; m < rng.int(2, 5); m++) {
      const len = rng.int(3, 12);
      methods.push(`    def handle_${WORDS[m]}_${m}(self, items):\n        total = 0\n\n        def helper(x):\n            return x * 2\n\n${body(rng, '        ', len, '#')}\n        return helper(total)\n`);
      lines += len + 7;
    }
    parts.push(`class ${cap(WORDS[c % WORDS.length]!)}View${n}_${c}:\n    def __init__(self, repo):\n        self.repo = repo\n\n${methods.join('\n')}`);
    parts.push(`def process_${c}(request):\n    total = 0\n${body(rng, '    ', 4, '#')}\n    return total\n`);
    lines += 12;
  }
  return parts.join('\n\n');
};

const genGo: Gen = (rng, n, target) => {
  const parts = [`package pkg${n % 50}\n\nimport "context"\n`];
  let lines = 4;
  for (let c = 0; lines < target; c++) {
    const type = `${cap(WORDS[c % WORDS.length]!)}Service${n}x${c}`;
    parts.push(`type ${type} struct {\n\trepo Repository\n}\n`);
    for (let m = 0; m < rng.int(2, 5); m++) {
      const len = rng.int(3, 12);
      const recv = m % 2 === 0 ? `s *${type}` : `s ${type}`;
      parts.push(`func (${recv}) Handle${cap(WORDS[m]!)}${m}(ctx context.Context, items []int) int {\n\ttotal := 0\n\thelper := func(x int) int { return x * 2 }\n${body(rng, '\t', len)}\n\treturn helper(total)\n}\n`);
      lines += len + 5;
    }
    parts.push(`func New${type}(repo Repository) *${type} {\n\treturn &${type}{repo: repo}\n}\n`);
    lines += 8;
  }
  return parts.join('\n');
};

const genJava: Gen = (rng, n, target) => {
  const methods: string[] = [];
  let lines = 6;
  for (let m = 0; lines < target; m++) {
    const len = rng.int(3, 12);
    methods.push(`    public int handle${cap(WORDS[m % WORDS.length]!)}${m}(int[] items) {\n        int total = 0;\n${body(rng, '        ', len)}\n        return total;\n    }\n`);
    lines += len + 5;
    if (m % 6 === 5) {
      methods.push(`    static class Part${m} {\n        int size() {\n            return ${m};\n        }\n    }\n`);
      lines += 5;
    }
  }
  return `package com.shop.module${n % 40};\n\nimport java.util.List;\n\npublic class Service${n} {\n    public Service${n}() {}\n\n${methods.join('\n')}}\n`;
};

/** Every tenth TypeScript/JavaScript/Python file also registers routes, as a service's routers do. */
const ROUTES: Readonly<Record<string, (i: number) => string>> = {
  '.ts': (i) => `\nimport { Router } from 'express';\n\nexport const router${i} = Router();\n\nrouter${i}.get('/area${i}/items/:id', async (req, res) => {\n  res.json({ id: req.params.id });\n});\n\nrouter${i}.post('/area${i}/items', handler0);\n`,
  '.js': (i) => `\nconst express = require('express');\n\nconst app${i} = express();\n\napp${i}.delete('/legacy${i}/:id', function remove(req, res) {\n  res.end();\n});\n`,
  '.py': (i) => `\n\nfrom flask import Blueprint\n\nbp${i} = Blueprint("area${i}", __name__, url_prefix="/area${i}")\n\n\n@bp${i}.route("/reports/<int:report_id>")\ndef show_report_${i}(report_id):\n    return {"id": report_id}\n`,
};

const KINDS: Array<{ ext: string; dir: string; weight: number; gen: Gen }> = [
  { ext: '.ts', dir: 'services/api/src', weight: 30, gen: genTs },
  { ext: '.tsx', dir: 'web/src/components', weight: 5, gen: genTs },
  { ext: '.js', dir: 'legacy/lib', weight: 10, gen: genTs },
  { ext: '.py', dir: 'py/shop', weight: 20, gen: genPy },
  { ext: '.go', dir: 'go/internal', weight: 15, gen: genGo },
  { ext: '.java', dir: 'jvm/src/main/java/com/shop', weight: 20, gen: genJava },
];

function generate(root: string, count: number): { files: string[]; bytes: number; lines: number } {
  const rng = new Rng(42);
  const total = KINDS.reduce((s, k) => s + k.weight, 0);
  const files: string[] = [];
  let bytes = 0;
  let lines = 0;
  for (let i = 0; i < count; i++) {
    let pick = rng.int(0, total - 1);
    const kind = KINDS.find((k) => (pick -= k.weight) < 0)!;
    const dir = `${kind.dir}/area${i % 60}`;
    let text = kind.gen(rng, i, rng.int(50, 400));
    if (i % 10 === 0) text += ROUTES[kind.ext]?.(i) ?? '';
    if (kind.ext === '.js') text = text.replace(/: Promise<number>|: number\[\]|: number|: string|private readonly |: Repository|import \{[^}]*\} from [^\n]*\n/g, '');
    const rel = `${dir}/${kind.ext === '.java' ? `Service${i}` : `module_${i}`}${kind.ext}`;
    fs.mkdirSync(path.join(root, dir), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
    files.push(rel);
    bytes += text.length;
    lines += text.split('\n').length;
  }
  // Python packages, a go.mod and a dependency folder that must be skipped.
  for (let a = 0; a < 60; a++) {
    fs.mkdirSync(path.join(root, `py/shop/area${a}`), { recursive: true });
    fs.writeFileSync(path.join(root, `py/shop/area${a}/__init__.py`), '');
  }
  fs.writeFileSync(path.join(root, 'py/shop/__init__.py'), '');
  fs.writeFileSync(path.join(root, 'go/go.mod'), 'module github.com/acme/shop\n\ngo 1.22\n');
  fs.mkdirSync(path.join(root, 'node_modules/big-dep'), { recursive: true });
  fs.writeFileSync(path.join(root, 'node_modules/big-dep/index.js'), genTs(rng, 0, 400));
  return { files, bytes, lines };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prodlens-bench-index-'));
  try {
    const t0 = performance.now();
    const ws = generate(root, args.files);
    console.log(`workspace: ${ws.files.length} files, ${ws.lines.toLocaleString()} lines, ${(ws.bytes / 1e6).toFixed(1)} MB (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s) at ${root}`);

    const t1 = performance.now();
    const cpu1 = process.cpuUsage();
    const index = await WorkspaceIndex.build(root, args.routes ? { routeExtractor } : {});
    const cold = (performance.now() - t1) / 1000;
    // CPU time barely depends on what else the machine runs, so it compares runs on a busy machine.
    const cpu = process.cpuUsage(cpu1);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    let symbols = 0;
    for (const f of index.files()) symbols += index.symbolsIn(f).length;
    const routes = args.routes ? `, ${index.allRoutes().length} routes` : ' (route extractor off)';
    console.log(`cold index: ${cold.toFixed(2)} s (${cpuSeconds.toFixed(2)} s CPU) for ${index.fileCount} files, ${symbols.toLocaleString()} symbols${routes} (target ≤ 30 s)`);

    const rng = new Rng(7);
    const fromText: number[] = [];
    const fromDisk: number[] = [];
    for (let i = 0; i < args.updates; i++) {
      const file = ws.files[rng.int(0, ws.files.length - 1)]!;
      const abs = path.join(root, file);
      const text = fs.readFileSync(abs, 'utf8');
      // Typing inside a function body (the common edit) in the editor; then a line inserted on top
      // (every symbol and route moves, the most one file can cost) saved to disk.
      let t = performance.now();
      await index.updateFile(file, text.replace('total', 'sum'));
      fromText.push(performance.now() - t);
      fs.writeFileSync(abs, `\n${text}`);
      t = performance.now();
      await index.updateFile(abs);
      fromDisk.push(performance.now() - t);
    }
    for (const [label, samples] of [['editor text, body edit', fromText], ['disk, line inserted on top', fromDisk]] as const) {
      const sorted = [...samples].sort((a, b) => a - b);
      console.log(`one-file update (${label}, n=${sorted.length}): median ${percentile(sorted, 50).toFixed(2)} ms, p95 ${percentile(sorted, 95).toFixed(2)} ms, max ${sorted[sorted.length - 1]!.toFixed(2)} ms (target ≤ 50 ms)`);
    }

    const t2 = performance.now();
    let hits = 0;
    for (let i = 0; i < 10000; i++) hits += index.filesForPath(`/app/${ws.files[i % ws.files.length]!}`).length;
    console.log(`filesForPath: ${((performance.now() - t2) / 10).toFixed(2)} µs per call (${hits} hits of 10000)`);

    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    console.log(`memory: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, heap used after build ${(mem.heapUsed / 1e6).toFixed(0)} MB`);
    index.dispose();
  } finally {
    if (!args.keep) fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
