/**
 * `igny8/tenant-data-access`: tenant rows are reached through the tenancy layer (src/common/tenancy:
 * ScopedRepository, tenantQuery/globalQuery, tenantSql), never by raw SQL or a bare repository or
 * query builder. Reports `.query(…)` on a DataSource, EntityManager or QueryRunner and every
 * `.getRepository(…)` / `.createQueryBuilder(…)` call. See docs/tenancy-sql.md.
 */
const RAW_SQL_RECEIVERS = /^(DataSource|EntityManager|\w*QueryRunner)$/;

function typeNames(type) {
  const names = [];
  const visit = (current) => {
    const symbol = current.getSymbol() ?? current.aliasSymbol;
    if (symbol) names.push(symbol.getName());
    for (const base of current.getBaseTypes?.() ?? []) visit(base);
  };
  visit(type);
  return names;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Tenant data only through the tenancy layer (docs/tenancy-sql.md)' },
    messages: {
      rawSql: 'Raw SQL goes through tenantSql(manager) (src/common/tenancy/tenant-sql.ts).',
      unscoped:
        '`{{name}}` bypasses the tenant scope: use ScopedRepository, tenantQuery or globalQuery (src/common/tenancy).',
    },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return;
        const name = callee.property.name;
        if (name === 'getRepository' || name === 'createQueryBuilder') {
          context.report({ node: callee.property, messageId: 'unscoped', data: { name } });
        } else if (name === 'query') {
          const receiver = services.getTypeAtLocation(callee.object);
          if (typeNames(receiver).some((type) => RAW_SQL_RECEIVERS.test(type))) {
            context.report({ node: callee.property, messageId: 'rawSql' });
          }
        }
      },
    };
  },
};
