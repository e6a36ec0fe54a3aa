/**
 * A lockfile for an empty project that depends on the packed tarball, made from this repository's
 * own package-lock.json: every package the harness needs at run time (dependencies, and their
 * optional platform binaries such as esbuild's), none of the dev tools and none of the optional
 * tfjs-node tree (whose install script would download libtensorflow). With it `npm ci --offline`
 * installs from the cache `npm ci` filled, without asking the registry for anything.
 */
interface LockEntry {
  version?: string;
  dev?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [k: string]: unknown;
}

interface Manifest {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  bin?: unknown;
  engines?: unknown;
}

/** Where npm's resolution finds `name` from the package installed at `from` (nested first). */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

export function hostLock(
  own: { packages: Record<string, LockEntry> },
  pkg: Manifest,
  tarballSpec: string,
): { packageJson: object; lock: object } {
  const needed = new Set<string>();
  const visit = (from: string, deps: Record<string, string> | undefined) => {
    for (const name of Object.keys(deps ?? {})) {
      const at = resolveIn(own.packages, from, name);
      if (!at || needed.has(at)) continue;
      needed.add(at);
      const e = own.packages[at];
      visit(at, e.dependencies);
      visit(at, e.optionalDependencies);
    }
  };
  visit('', pkg.dependencies);
  const packages: Record<string, unknown> = {
    '': { name: 'host', version: '1.0.0', dependencies: { [pkg.name]: tarballSpec } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: tarballSpec,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const at of [...needed].sort()) packages[at] = own.packages[at];
  return {
    packageJson: { name: 'host', version: '1.0.0', private: true, dependencies: { [pkg.name]: tarballSpec } },
    lock: { name: 'host', version: '1.0.0', lockfileVersion: 3, requires: true, packages },
  };
}
