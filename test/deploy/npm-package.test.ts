import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliConfigYaml, tempDir } from '../support/cli.js';
import { REPO } from './deploy-kit.js';

// What `npm pack` ships, and whether the packed tarball installs globally and runs. The pack
// runs with --ignore-scripts: prepack would rebuild dist/ under the other test files' feet
// (the suite builds first, `npm test` does).

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const npm = (args: readonly string[], cwd = REPO, timeout = 120_000) => spawnSync('npm', args, { cwd, encoding: 'utf8', timeout });

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Packages the built code loads: static and dynamic imports, and createRequire(...)('pkg'). */
function runtimeImports(): Set<string> {
  const found = new Set<string>();
  // `from '…';` as tsc writes import statements (a comment may say `from "x"` too).
  const specifier = /(?:\bfrom\s*['"]([^'"./][^'"]*)['"];|(?:\bimport\s*\(\s*|\bimport\s+|\b(?:require|load)\s*\(\s*|\)\(\s*)['"]([^'"./][^'"]*)['"])/g;
  for (const file of walk(join(REPO, 'dist')).filter((f) => f.endsWith('.js'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(specifier)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('node:')) continue;
      found.add(spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'));
    }
  }
  return found;
}

describe('npm package', () => {
  it('builds before packing', () => {
    expect(pkg.scripts['prepack']).toMatch(/npm run build$/);
  });

  it('ships the built code, the command, deploy/ and docs, and nothing from test/ or the benchmarks', () => {
    expect(existsSync(join(REPO, 'dist/main.js')), 'dist/ is built (npm run build)').toBe(true);
    const run = npm(['pack', '--dry-run', '--json', '--ignore-scripts']);
    expect(run.status, run.stderr).toBe(0);
    const files = new Set((JSON.parse(run.stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path));
    for (const f of ['dist/main.js', 'bin/cairn.js', 'package.json', 'README.md', 'deploy/cairn.service', 'deploy/kubernetes/daemonset.yaml']) {
      expect(files.has(f), f).toBe(true);
    }
    for (const js of walk(join(REPO, 'dist')).filter((f) => f.endsWith('.js'))) expect(files.has(relative(REPO, js)), js).toBe(true);
    const unwanted = [...files].filter((f) => /^(test|native-bench|src|scripts|proto|node_modules)\/|\.map$|\.tgz$/.test(f));
    expect(unwanted).toEqual([]);
  });

  it('depends at runtime on exactly what the built code loads', () => {
    const imported = runtimeImports();
    expect(imported.size).toBeGreaterThan(3);
    expect([...imported].sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });

  const wanted = process.env['CAIRN_TEST_NPM_INSTALL'] === '1';
  const online = wanted && npm(['ping'], REPO, 20_000).status === 0;
  it.skipIf(!online)(
    'installs globally from the tarball, and the installed cairn runs (skipped unless CAIRN_TEST_NPM_INSTALL=1 and the npm registry answers: it downloads and compiles the dependencies, ~4 min)',
    async () => {
      const dir = tempDir('cairn-npm-install-');
      try {
        const pack = npm(['pack', '--ignore-scripts', '--pack-destination', dir.dir]);
        expect(pack.status, pack.stderr).toBe(0);
        const tarball = join(dir.dir, `cairn-${pkg.version}.tgz`);
        const prefix = join(dir.dir, 'prefix');
        const install = npm(['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], dir.dir, 900_000);
        expect(install.status, install.stderr).toBe(0);
        const cairn = join(prefix, 'bin', 'cairn');
        expect(spawnSync(cairn, ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe(`cairn ${pkg.version}`);

        const child = spawn(cairn, ['run', '--config', dir.write('cairn.yaml', cliConfigYaml('', join(dir.dir, 'data')))], { cwd: dir.dir, stdio: ['ignore', 'ignore', 'pipe'] });
        let log = '';
        child.stderr.on('data', (c: Buffer) => (log += c.toString()));
        const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
        try {
          for (let i = 0; i < 200 && !log.includes('"agent started"'); i++) await new Promise((r) => setTimeout(r, 100));
          const api = /"msg":"api listening"[^\n]*"address":"([^"]+)"/.exec(log)?.[1];
          expect(api, log).toBeDefined();
          expect((await fetch(`http://${api}/readyz`)).status).toBe(200);
        } finally {
          child.kill('SIGTERM');
        }
        expect(await exited).toBe(0);
      } finally {
        dir.remove();
      }
    },
    1_000_000,
  );
});
