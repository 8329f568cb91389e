#!/usr/bin/env node
'use strict';
// The published command: the bundled CLI, built by `npm run build`.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write(`prodlens: ${cli} is missing; run "npm run build" in ${path.dirname(__dirname)} first.\n`);
  process.exit(2);
}
require(cli);
