import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import identityWrites from './eslint-rules/identity-writes.js';
import tenantDataAccess from './eslint-rules/tenant-data-access.js';

/**
 * Files allowed to use raw SQL, repositories and query builders outside src/common/tenancy (rule
 * `igny8/tenant-data-access`, docs/tenancy-sql.md), each with its reason.
 */
const TENANT_DATA_ACCESS_ALLOWED = [
  ['src/database/**', 'the connection and the migration runner'],
  ['src/common/list/paginate.ts', 'runs the already scoped list query builders it is given'],
  ['src/common/auth/**', 'credential lookups that find the principal, before any tenant context exists'],
  ['src/common/idempotency/**', 'idempotency keys: infrastructure rows keyed by the caller'],
  ['src/common/mail/**', 'the mail outbox and log, written by the mailer and its system job'],
  ['src/modules/health/**', 'the readiness ping (SELECT 1)'],
  [
    'src/modules/catalogue/csv/**',
    'developer catalogue import/export: global tables only (industries, sectors, seeds)',
  ],
  [
    'src/modules/identity/system-account.service.ts',
    'creates the system account (CLI and bootstrap), before any tenant',
  ],
  [
    'src/modules/identity/unique-names.ts',
    'account slugs, emails and usernames are unique across all accounts; reads those columns only',
  ],
  ['src/modules/sites/site-slug.ts', 'site slugs are unique across all accounts; reads slugs only'],
  [
    'src/modules/billing/credit-ledger.service.ts',
    'credit transactions are also written at signup, before a principal exists',
  ],
  [
    'src/modules/identity/account-credits.ts',
    'credit pools are also written at signup and for payments, by account id before a principal exists',
  ],
];

/**
 * Files outside src/modules/identity allowed to write identity tables (rule `igny8/identity-writes`,
 * docs/modules.md), each with its reason.
 */
const IDENTITY_WRITES_ALLOWED = [
  ['src/modules/identity/**', 'the owner of the tables'],
  ['src/common/tenancy/**', 'the generic trash (soft delete, restore, purge) and the tenant subscriber'],
  [
    'src/common/auth/**',
    'the session store (igny8_sessions) and API key last use: platform code below every module',
  ],
  ['src/database/**', 'the connection and the migration runner'],
];

const igny8 = { rules: { 'tenant-data-access': tenantDataAccess, 'identity-writes': identityWrites } };

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.data/**', 'logs/**', 'test/sdk/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            '*.js',
            'eslint-rules/*.js',
            'scripts/*.mjs',
            'scripts/wordpress/*.mjs',
            'bench/*.mjs',
          ],
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 32,
        },
        tsconfigRootDir: import.meta.dirname,
        emitDecoratorMetadata: true,
        experimentalDecorators: true,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/common/tenancy/**', ...TENANT_DATA_ACCESS_ALLOWED.map(([glob]) => glob)],
    plugins: { igny8 },
    rules: { 'igny8/tenant-data-access': 'error' },
  },
  {
    files: ['src/**/*.ts'],
    ignores: IDENTITY_WRITES_ALLOWED.map(([glob]) => glob),
    plugins: { igny8 },
    rules: { 'igny8/identity-writes': 'error' },
  },
  {
    files: ['test/**/*.ts', 'bench/**', 'scripts/**'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' },
    },
  },
  prettier,
);
