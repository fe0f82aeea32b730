// The keyward version `keyward --version` prints (kept equal to package.json's by src/cli/version.test.ts).

/** The package version. */
export const VERSION = "0.1.0";
