/**
 * `igny8/identity-writes`: the identity module (src/modules/identity) is the only writer of its tables
 * (accounts, users, sites, sectors, site grants, subscriptions, refresh and reset tokens, sessions). Other
 * modules call its stores and pass their EntityManager (docs/modules.md). Reports, outside the files
 * exempted in eslint.config.js:
 * - `save` / `insert` / `update` / `upsert` / `delete` / `softDelete` / `softRemove` / `remove` / `increment` /
 *   `decrement` called with an identity entity (class, instance or array of instances) as an argument, or on
 *   a TypeORM / scoped repository of one; `softDeleteRows` of a scoped resource over one;
 * - SQL that writes one: a `tenantSql` tagged template (or a `.query('…')` string) whose INSERT INTO,
 *   UPDATE or DELETE FROM targets `sql.table(IdentityEntity)` / `sql.insertInto(IdentityEntity)` (directly
 *   or through a variable) or names an identity table.
 */
const IDENTITY_ENTITY_FILE = /[\\/]src[\\/]modules[\\/]identity[\\/]entities[\\/]/;
const IDENTITY_FILE = /[\\/]src[\\/]modules[\\/]identity[\\/]/;
const IDENTITY_TABLES =
  'igny8_(?:accounts|users|sites|sectors|site_user_access|subscriptions|refresh_tokens|password_reset_tokens|sessions)';
const WRITE_METHODS = new Set([
  'save',
  'insert',
  'update',
  'upsert',
  'delete',
  'softDelete',
  'softRemove',
  'remove',
  'increment',
  'decrement',
]);
const REPOSITORIES = /^(Repository|TreeRepository|ScopedRepository)$/;
const WRITE_TARGET = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s*$/i;
const WRITES_IDENTITY_TABLE = new RegExp(
  `\\b(?:INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+"?${IDENTITY_TABLES}\\b`,
  'i',
);

function isIdentityEntity(type, checker, depth = 0) {
  if (!type || depth > 3) return false;
  if (type.isUnion?.()) return type.types.some((part) => isIdentityEntity(part, checker, depth + 1));
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  const declared = symbol?.getDeclarations?.() ?? [];
  if (declared.some((node) => IDENTITY_ENTITY_FILE.test(node.getSourceFile().fileName))) return true;
  // Arrays and readonly arrays of entities.
  if (symbol && /^(Array|ReadonlyArray)$/.test(symbol.getName())) {
    return checker.getTypeArguments(type).some((arg) => isIdentityEntity(arg, checker, depth + 1));
  }
  return false;
}

/** The type and its base types (classes extending a generic base). */
function withBases(type) {
  const all = [];
  const visit = (current) => {
    all.push(current);
    for (const base of current.getBaseTypes?.() ?? []) visit(base);
  };
  visit(type);
  return all;
}

function typeArguments(type, checker) {
  try {
    return checker.getTypeArguments(type) ?? [];
  } catch {
    return [];
  }
}

/** `const t = sql.table(E, 't')` or `const [a, b] = [sql.table(A), sql.table(B)]`: the initializer of `name`. */
function initializerOf(identifier, sourceCode) {
  let scope = sourceCode.getScope(identifier);
  while (scope) {
    const variable = scope.set.get(identifier.name);
    if (variable) {
      const def = variable.defs[0];
      if (!def || def.type !== 'Variable' || !def.node.init) return null;
      const { id, init } = def.node;
      if (id.type === 'Identifier') return init;
      if (id.type === 'ArrayPattern' && init.type === 'ArrayExpression') {
        const index = id.elements.findIndex(
          (element) => element?.type === 'Identifier' && element.name === identifier.name,
        );
        return index >= 0 ? (init.elements[index] ?? null) : null;
      }
      return null;
    }
    scope = scope.upper;
  }
  return null;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Only src/modules/identity writes identity tables (docs/modules.md)' },
    messages: {
      write:
        '`{{name}}` writes an identity table: call a store of src/modules/identity with your EntityManager instead (docs/modules.md).',
      sql: 'This statement writes an identity table: call a store of src/modules/identity with your EntityManager instead (docs/modules.md).',
    },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    const checker = services.program.getTypeChecker();
    const typeOf = (node) => services.getTypeAtLocation(node);
    const identityTarget = (node) => {
      let expression = node;
      if (expression.type === 'Identifier') expression = initializerOf(expression, context.sourceCode);
      if (!expression || expression.type !== 'CallExpression') return false;
      const callee = expression.callee;
      if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return false;
      if (!['table', 'insertInto'].includes(callee.property.name)) return false;
      const entity = expression.arguments[0];
      return !!entity && isIdentityEntity(typeOf(entity), checker);
    };
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return;
        const name = callee.property.name;
        if (name === 'query') {
          const [text] = node.arguments;
          const raw =
            text?.type === 'Literal'
              ? String(text.value)
              : text?.type === 'TemplateLiteral'
                ? text.quasis.map((quasi) => quasi.value.cooked).join(' ')
                : '';
          if (WRITES_IDENTITY_TABLE.test(raw)) context.report({ node: callee.property, messageId: 'sql' });
          return;
        }
        if (name === 'softDeleteRows') {
          const receiver = typeOf(callee.object);
          // `this` inside a class is its polymorphic this-type: its constraint is the class.
          const resource = withBases(
            receiver.isTypeParameter?.() ? (checker.getBaseConstraintOfType(receiver) ?? receiver) : receiver,
          );
          if (
            resource.some((type) =>
              typeArguments(type, checker).some((arg) => isIdentityEntity(arg, checker)),
            )
          ) {
            context.report({ node: callee.property, messageId: 'write', data: { name } });
          }
          return;
        }
        if (!WRITE_METHODS.has(name)) return;
        // The identity stores' own methods (`usersStore.save(manager, user)`) are the way in.
        const method = checker.getSymbolAtLocation(services.esTreeNodeToTSNodeMap.get(callee.property));
        if (method?.getDeclarations()?.some((node) => IDENTITY_FILE.test(node.getSourceFile().fileName)))
          return;
        const byArgument = node.arguments.some(
          (arg) => arg.type !== 'SpreadElement' && isIdentityEntity(typeOf(arg), checker),
        );
        const byRepository =
          !byArgument &&
          withBases(typeOf(callee.object)).some(
            (type) =>
              REPOSITORIES.test(type.getSymbol()?.getName() ?? '') &&
              typeArguments(type, checker).some((arg) => isIdentityEntity(arg, checker)),
          );
        if (byArgument || byRepository)
          context.report({ node: callee.property, messageId: 'write', data: { name } });
      },
      TaggedTemplateExpression(node) {
        const { quasis, expressions } = node.quasi;
        const text = quasis.map((quasi) => quasi.value.cooked ?? '').join(' ');
        if (WRITES_IDENTITY_TABLE.test(text)) {
          context.report({ node, messageId: 'sql' });
          return;
        }
        for (let i = 0; i < expressions.length; i++) {
          if (WRITE_TARGET.test(quasis[i].value.cooked ?? '') && identityTarget(expressions[i])) {
            context.report({ node: expressions[i], messageId: 'sql' });
            return;
          }
        }
      },
    };
  },
};
