// Stages the .vsix contents in .vsix-stage/ and runs `vsce package --no-dependencies` there
// (`npm run package`). --no-dependencies keeps vsce from packing every production dependency; the
// bundles in dist/ already contain the pure-JS ones. What the bundles load at run time is copied by
// hand: better-sqlite3 (native, only its built .node file and JS), web-tree-sitter, the grammar
// .wasm files, and @grpc/grpc-js with its dependencies for the local collector (dist/cli.js).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stage = path.join(root, '.vsix-stage');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage);

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
delete pkg.devDependencies;
delete pkg.scripts;
delete pkg.bin;
// vsce reads "dependencies" only to warn; the staged node_modules below is what ships.
writeFileSync(path.join(stage, 'package.json'), JSON.stringify(pkg, null, 2));
for (const f of ['README.md', 'LICENSE', 'ARCHITECTURE.md']) if (existsSync(path.join(root, f))) cpSync(path.join(root, f), path.join(stage, f));
cpSync(path.join(root, 'dist'), path.join(stage, 'dist'), { recursive: true, filter: (src) => !src.includes(`${path.sep}bench`) && !src.endsWith('.map') });
writeFileSync(path.join(stage, '.vscodeignore'), '**/*.map\n**/*.d.ts\n');
writeFileSync(path.join(stage, 'LICENSE'), existsSync(path.join(root, 'LICENSE')) ? readFileSync(path.join(root, 'LICENSE')) : 'MIT\n');

const copied = new Set();
const moduleDir = (name) => path.join(root, 'node_modules', name);
function copyPackage(name, filter = () => true) {
  if (copied.has(name)) return;
  copied.add(name);
  const from = moduleDir(name);
  cpSync(from, path.join(stage, 'dist', 'node_modules', name), { recursive: true, filter: (src) => filter(path.relative(from, src)) });
  const deps = JSON.parse(readFileSync(path.join(from, 'package.json'), 'utf8')).dependencies ?? {};
  for (const dep of Object.keys(deps)) if (dep !== 'prebuild-install' && existsSync(moduleDir(dep))) copyPackage(dep);
}

copyPackage('better-sqlite3', (rel) => rel === '' || rel === 'package.json' || rel.startsWith('lib') || rel === 'build' || rel === path.join('build', 'Release') || rel === path.join('build', 'Release', 'better_sqlite3.node'));
copyPackage('web-tree-sitter', (rel) => !rel.startsWith('debug'));
for (const grammar of readdirSync(path.join(root, 'node_modules')).filter((n) => n.startsWith('tree-sitter-'))) {
  copyPackage(grammar, (rel) => rel === '' || rel === 'package.json' || rel.endsWith('.wasm'));
}
copyPackage('@grpc/grpc-js');

execFileSync(process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', path.join(root, `${pkg.name}-${pkg.version}.vsix`)], { cwd: stage, stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });
