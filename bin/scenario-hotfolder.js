#!/usr/bin/env node
// The published CLI runs the bundle built by `npm run build` (out/main/cli.js).
import '../out/main/cli.js';
