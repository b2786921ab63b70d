// Dependency check of src/: exits 1 when
//   - files import each other in a cycle,
//   - units import each other in a cycle (a unit is src/modules/<name>, src/common, src/database,
//     src/config, or the application files directly in src/),
//   - the platform (src/common, src/database, src/config) imports from src/modules or the application files.
// Every import counts, type-only ones and re-exports included. The allowed direction is in docs/modules.md.
//
//   node scripts/check-dependencies.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceRoot = join(root, 'src');
const platformUnits = new Set(['common', 'database', 'config']);

function sourceFiles(directory) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const configFile = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);

function importedSpecifiers(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const specifiers = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      specifiers.push(node.moduleReference.expression.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      specifiers.push(node.argument.literal.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

function resolvedImports(file) {
  return importedSpecifiers(file).flatMap((specifier) => {
    const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule;
    if (!resolved || resolved.isExternalLibraryImport) return [];
    const target = resolved.resolvedFileName;
    return target.startsWith(sourceRoot + sep) && !target.endsWith('.d.ts') ? [target] : [];
  });
}

function unitOf(file) {
  const parts = relative(sourceRoot, file).split(sep);
  if (parts[0] === 'modules') return `modules/${parts[1]}`;
  return parts.length === 1 ? 'app' : parts[0];
}

/** Tarjan's strongly connected components; returns those with more than one member or a self-edge. */
function cycles(graph) {
  let index = 0;
  const indexes = new Map();
  const lowLinks = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const connect = (node) => {
    indexes.set(node, index);
    lowLinks.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexes.has(next)) {
        connect(next);
        lowLinks.set(node, Math.min(lowLinks.get(node), lowLinks.get(next)));
      } else if (onStack.has(next)) {
        lowLinks.set(node, Math.min(lowLinks.get(node), indexes.get(next)));
      }
    }
    if (lowLinks.get(node) !== indexes.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node)) components.push(component.sort());
  };
  for (const node of graph.keys()) if (!indexes.has(node)) connect(node);
  return components;
}

const fileGraph = new Map();
const unitGraph = new Map();
const platformToModule = [];
for (const file of sourceFiles(sourceRoot)) {
  const targets = new Set(resolvedImports(file));
  fileGraph.set(file, targets);
  const unit = unitOf(file);
  if (!unitGraph.has(unit)) unitGraph.set(unit, new Set());
  for (const target of targets) {
    const targetUnit = unitOf(target);
    if (targetUnit !== unit) unitGraph.get(unit).add(targetUnit);
    if (platformUnits.has(unit) && !platformUnits.has(targetUnit)) {
      platformToModule.push(`${relative(root, file)} -> ${relative(root, target)}`);
    }
  }
}

const fileCycles = cycles(fileGraph).map((files) => files.map((file) => relative(root, file)));
const unitCycles = cycles(unitGraph);
const report = (title, items, format) => {
  if (items.length === 0) return;
  console.error(`${title} (${items.length}):`);
  for (const item of items) console.error(`  ${format(item)}`);
};
report('File import cycles', fileCycles, (files) => files.join(' <-> '));
report('Unit import cycles', unitCycles, (units) => units.join(' <-> '));
report('Platform imports from modules or the application', platformToModule, (line) => line);

const problems = fileCycles.length + unitCycles.length + platformToModule.length;
if (problems > 0) {
  console.error(
    `check-dependencies: ${fileCycles.length} file cycles, ${unitCycles.length} unit cycles, ` +
      `${platformToModule.length} platform imports from modules (see docs/modules.md).`,
  );
  process.exit(1);
}
console.log(`check-dependencies: ${fileGraph.size} files, no cycles, platform imports no module.`);
