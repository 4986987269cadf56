// Writes the pipeline's state diagrams, generated from the declared machines, into docs/ARCHITECTURE.md
// (between their markers). test/pipeline/machine.test.ts fails when the document is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DETECTION_DIAGRAM } from '../src/shared/detection-machine';
import { GENERATION_DIAGRAM } from '../src/shared/generation-machine';
import { diagramSection, replaceDiagramSection } from '../src/shared/state-diagram';

const file = path.resolve(import.meta.dirname, '../docs/ARCHITECTURE.md');
let document = readFileSync(file, 'utf8');
for (const drawn of [GENERATION_DIAGRAM, DETECTION_DIAGRAM]) document = replaceDiagramSection(document, drawn);
writeFileSync(file, document);
console.log(`${path.relative(process.cwd(), file)}: state diagrams written\n${diagramSection(GENERATION_DIAGRAM)}\n${diagramSection(DETECTION_DIAGRAM)}`);
