import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Environment, validateEnvironment } from '@app/config';

/** Outside Nest (the CLI, benchmarks): the same validation as at the service's start. */
export function loadEnvironment(raw: NodeJS.ProcessEnv = process.env): Environment {
  return validateEnvironment(raw);
}

/**
 * @nestjs/config validates the environment when the application starts (a bad value stops
 * it with the variable's name); the typed `Environment` is then injectable everywhere.
 */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      ignoreEnvFile: true,
      // Validate, but hand back the input: @nestjs/config copies what validate returns into
      // process.env, and the defaults must not leak there (code reading process.env later
      // would see them as set).
      validate: (raw) => {
        validateEnvironment(raw);
        return raw;
      },
    }),
  ],
  providers: [{ provide: Environment, useFactory: () => loadEnvironment() }],
  exports: [Environment],
})
export class AppConfigModule {}
