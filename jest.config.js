// One jest run over every workspace; each workspace is a project with the same ESM + swc setup.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      target: 'es2024',
      transform: { react: { runtime: 'automatic' } },
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const project = (name, roots) => ({
  displayName: name,
  roots,
  testMatch: ['**/__tests__/**/*.spec.ts', '**/__tests__/**/*.spec.tsx'],
  testPathIgnorePatterns: ['/node_modules/', '/.data/'],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: { '^.+\\.tsx?$': swc },
  testEnvironment: 'node',
});

/** @type {import('jest').Config} */
export default {
  projects: [
    project('db', ['<rootDir>/db']),
    project('backend', ['<rootDir>/backend']),
    project('tests', ['<rootDir>/tests']),
    project('teams-app', ['<rootDir>/teams-app']),
  ],
  globalSetup: '<rootDir>/tests/jest/global-setup.ts',
  globalTeardown: '<rootDir>/tests/jest/global-teardown.ts',
  testTimeout: 30_000,
};
