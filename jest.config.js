// Tests run on the TypeScript sources through @swc/jest in ESM mode; always start them with `npm test`.
// Tests import packages by name (@mmo/<pkg>, @mmo/<pkg>/internal), mapped here to each package's src.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' }, sourceMaps: 'inline' },
    ],
  },
  moduleNameMapper: {
    '^@mmo/client/node$': '<rootDir>/packages/client/src/node-index.ts',
    '^@mmo/([a-z]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^@mmo/([a-z]+)/internal$': '<rootDir>/packages/$1/src/internal.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts'],
  testTimeout: 30_000,
  // A failing test can leave a socket or child process behind; the run must still end and report the failure.
  forceExit: true,
};
