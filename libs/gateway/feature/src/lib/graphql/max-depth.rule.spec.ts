import { buildSchema, parse, validate } from 'graphql';
import { maxDepthRule } from './max-depth.rule';

const schema = buildSchema(`
  type Node { id: ID! child: Node }
  type Query { node: Node }
`);

function errorsOf(query: string, maxDepth: number): string[] {
  return validate(schema, parse(query), [maxDepthRule(maxDepth)]).map((e) => e.message);
}

describe(maxDepthRule.name, () => {
  it('accepts a query at the limit', () => {
    expect(errorsOf('{ node { child { id } } }', 3)).toEqual([]);
  });

  it('rejects a query one level deeper than the limit', () => {
    expect(errorsOf('{ node { child { child { id } } } }', 3)).toEqual(['query depth 4 exceeds the limit of 3']);
  });

  it('counts the depth through fragments and inline fragments', () => {
    const query = `
      query { node { ...deep } }
      fragment deep on Node { child { ... on Node { child { id } } } }
    `;

    expect(errorsOf(query, 3)).toEqual(['query depth 4 exceeds the limit of 3']);
    expect(errorsOf(query, 4)).toEqual([]);
  });

  it('does not count introspection fields', () => {
    expect(errorsOf('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }', 2)).toEqual([]);
  });

  it('terminates on a fragment cycle', () => {
    const query = `query { node { ...a } } fragment a on Node { child { ...a } }`;

    expect(errorsOf(query, 8)).toEqual([]);
  });
});
