import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');
/** Adapter files that decide nothing themselves; everything else must run without Electron. */
const ELECTRON_ALLOWED = ['main/electron/', 'preload/'];
/** Files in the adapter folder that hold the checkable decisions: they must stay electron-free. */
const PURE_ADAPTER_FILES = ['main/electron/policy.ts', 'main/electron/window-state.ts', 'main/electron/notice-batch.ts'];

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts|cts)$/.test(entry.name)) yield path;
  }
}

/** Every module specifier a file loads: import/export-from (types too), import(), require(). */
function moduleSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const isLoader = node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require');
      if (isLoader && first && ts.isStringLiteralLike(first)) found.push(first.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const isElectron = (specifier: string) => specifier === 'electron' || specifier.startsWith('electron/');

describe('electron stays in the adapters', () => {
  it('finds every way of loading a module (the checker itself can fail)', () => {
    const text = [
      "import { app } from 'electron';",
      "import type { WebContents } from 'electron/main';",
      "export * from 'electron';",
      "const e = require('electron');",
      "const f = await import('electron');",
      "type T = import('electron').App;",
      "import x = require('electron');",
    ].join('\n');
    expect(moduleSpecifiers('x.ts', text).filter(isElectron)).toHaveLength(7);
    expect(moduleSpecifiers('y.ts', "const s = 'electron'; // import 'electron'").filter(isElectron)).toEqual([]);
  });

  it('no file under src/ outside src/main/electron and src/preload imports electron', async () => {
    const offenders: string[] = [];
    let checked = 0;
    for await (const file of sourceFiles(SRC)) {
      const rel = relative(SRC, file).split(sep).join('/');
      const mustBePure = PURE_ADAPTER_FILES.includes(rel) || !ELECTRON_ALLOWED.some((prefix) => rel.startsWith(prefix));
      if (!mustBePure) continue;
      checked++;
      if (moduleSpecifiers(file, await readFile(file, 'utf8')).some(isElectron)) offenders.push(rel);
    }
    expect(checked).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
