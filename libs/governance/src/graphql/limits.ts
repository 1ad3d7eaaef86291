import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  getNamedType,
  getOperationAST,
  GraphQLError,
  isLeafType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import {
  type ComplexityEstimator,
  fieldExtensionsEstimator,
  getComplexity,
} from 'graphql-query-complexity';

/**
 * How much one operation may ask, counted in what it makes the service read and build: a
 * scalar is free (it comes with its row), an object costs 1 plus its fields, a list read (a
 * page of members or tasks) costs LIST_READ_COST plus `first` times what each row asks, and
 * the integrations list counts as ASSUMED_INTEGRATIONS rows. A full page of 500 members with
 * every field fits; a hundred aliased page reads, or pages nested in pages, do not.
 */
export const GRAPHQL_LIMITS = { maxDepth: 8, maxCost: 10_000 } as const;
export const LIST_READ_COST = 100;
export const ASSUMED_INTEGRATIONS = 10;
const DEFAULT_FIRST = 50;

interface CostArgs {
  args: Record<string, unknown>;
  childComplexity: number;
}

/** For a field read as a page (`first`, `after`): one read, then `first` rows. */
export function pageCost({ args, childComplexity }: CostArgs): number {
  const first = typeof args.first === 'number' ? args.first : DEFAULT_FIRST;
  return LIST_READ_COST + Math.max(first, 1) * childComplexity;
}

/** For the integrations list: one read, then each card (and what it asks) per integration. */
export function integrationsCost({ childComplexity }: CostArgs): number {
  return LIST_READ_COST + ASSUMED_INTEGRATIONS * childComplexity;
}

const objectsOnly: ComplexityEstimator = ({ field, childComplexity }) =>
  isLeafType(getNamedType(field.type)) ? 0 : 1 + childComplexity;

const estimators: ComplexityEstimator[] = [fieldExtensionsEstimator(), objectsOnly];

/** The deepest field of a selection, fragments followed; introspection (`__…`) is not counted. */
function depthOf(
  selections: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: ReadonlySet<string> = new Set(),
): number {
  if (!selections) return 0;
  let deepest = 0;
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, fragments, seen));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, seen));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A cycle is refused by GraphQL's own validation; never loop on one here.
      if (!fragment || seen.has(name)) continue;
      deepest = Math.max(
        deepest,
        depthOf(fragment.selectionSet, fragments, new Set([...seen, name])),
      );
    }
  }
  return deepest;
}

export function operationDepth(document: DocumentNode, operationName?: string | null): number {
  const operation = getOperationAST(document, operationName ?? undefined);
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  return depthOf(operation?.selectionSet, fragments);
}

function refusal(message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    extensions: { ...extensions, http: { status: 400 } },
  });
}

/** Refuses, before anything runs, an operation deeper or costlier than the limits. */
export function limitsPlugin(limits: { maxDepth: number; maxCost: number }): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operationName }) {
          const depth = operationDepth(document, operationName);
          if (depth > limits.maxDepth) {
            throw refusal(
              `the query is ${depth} levels deep; at most ${limits.maxDepth} are allowed`,
              { code: 'QUERY_TOO_DEEP', depth, maxDepth: limits.maxDepth },
            );
          }
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              variables: request.variables ?? {},
              operationName: operationName ?? undefined,
              estimators,
            });
          } catch (error) {
            throw refusal(
              `the query cannot be measured: ${error instanceof Error ? error.message : String(error)}`,
              { code: 'QUERY_TOO_COMPLEX', maxCost: limits.maxCost },
            );
          }
          if (cost > limits.maxCost) {
            throw refusal(
              `the query costs ${cost}, more than the limit of ${limits.maxCost}: ask for fewer or smaller pages (each page read costs ${LIST_READ_COST} plus \`first\` times the objects of a row)`,
              { code: 'QUERY_TOO_COMPLEX', cost, maxCost: limits.maxCost },
            );
          }
        },
      };
    },
  };
}
