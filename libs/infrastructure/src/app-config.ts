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
      validate: validateEnvironment,
    }),
  ],
  providers: [{ provide: Environment, useFactory: () => loadEnvironment() }],
  exports: [Environment],
})
export class AppConfigModule {}
