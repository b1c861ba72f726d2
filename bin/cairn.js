#!/usr/bin/env -S node --max-semi-space-size=4
// The young generation is held to 4 MiB semi-spaces: peak RSS under saturating ingest drops
// from ~270 to ~200 MiB for ~4 % more CPU per point (BENCHMARKS.md, "V8 flags").
import '../dist/main.js';
