import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { Environment } from '@app/config';
import { formatGraphqlError } from './graphql-errors';
import { GRAPHQL_LIMITS, limitsPlugin } from './limits';

export const GRAPHQL_PATH = '/graphql';

type Plugin = NonNullable<ApolloDriverConfig['plugins']>[number];
// The same object; its type is read from Apollo's CommonJS declarations, Nest's from its ESM ones.
const cacheControlDisabled = ApolloServerPluginCacheControlDisabled() as unknown as Plugin;

/** Apollo Server's options; `production` (NODE_ENV) hides what helps only a developer. */
export function graphqlOptions(production: boolean): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    // Nest's GraphiQL loads React and GraphiQL from unpkg: no landing page at all instead.
    graphiql: false,
    introspection: !production,
    // "Did you mean …?" would spell out the schema that introspection hides.
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    // Errors are mapped by formatGraphqlError from what was thrown, not from Nest's rewrite.
    autoTransformHttpErrors: false,
    formatError: formatGraphqlError,
    // Cache hints mean nothing for answers behind an API key, and the plugin that computes
    // them hooks every field of every row.
    plugins: [limitsPlugin(GRAPHQL_LIMITS), cacheControlDisabled],
    context: ({ req }: { req: object }) => ({ req }),
  };
}

/**
 * `/graphql`: Apollo Server on Express, code first. The resolvers live in GovernanceModule
 * beside the controllers whose services they call.
 */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [Environment],
      useFactory: (env: Environment) => graphqlOptions(env.NODE_ENV === 'production'),
    }),
  ],
})
export class GraphqlApiModule {}
