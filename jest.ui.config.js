/**
 * `npm run test:ui`: the Web UI test in Debian's Chromium (test/ui/*.uitest.ts). Kept out of the
 * default `jest` run (jest.config.js matches only *.test.ts), so `npm test` needs no browser.
 * The test starts its own Temporal dev server with the Web UI; globalSetup only checks Chromium, so a
 * machine without one fails within seconds. Transpile-only (isolatedModules): `tsc` type-checks test/ui.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/ui'],
  testMatch: ['**/*.uitest.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true } }] },
  globalSetup: '<rootDir>/test/ui/globalSetup.ts',
  testTimeout: 180000,
  maxWorkers: 1,
};
