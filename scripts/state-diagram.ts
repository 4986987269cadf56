// Writes the pipeline's state diagram, generated from the declared machine, into docs/ARCHITECTURE.md
// (between its markers). test/pipeline/machine.test.ts fails when the document is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diagramSection, replaceDiagramSection } from '../src/shared/generation-machine';

const file = path.resolve(import.meta.dirname, '../docs/ARCHITECTURE.md');
writeFileSync(file, replaceDiagramSection(readFileSync(file, 'utf8')));
console.log(`${path.relative(process.cwd(), file)}: state diagram written\n${diagramSection()}`);
