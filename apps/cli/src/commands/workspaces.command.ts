import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AccessModule, AccessService, allProjections } from '@app/governance';
import { AppConfigModule, PersistenceModule, ProjectionsModule } from '@app/infrastructure';

/**
 * The service's own access wiring over the same stores (DATA_DIR, EVENTSTORE_URL, MONGO_URL),
 * without HTTP and without running anything: the running service's worker projects what the
 * CLI appends, as it does for any other writer of the log.
 */
@Module({
  imports: [
    AppConfigModule,
    PersistenceModule,
    ProjectionsModule.forRoot({ projections: allProjections(), run: false }),
    AccessModule,
  ],
})
class WorkspacesCliModule {}

export async function withAccessService<T>(run: (access: AccessService) => Promise<T>): Promise<T> {
  // Nest's logger would write to stdout, which holds only the command's JSON.
  const context = await NestFactory.createApplicationContext(WorkspacesCliModule, {
    logger: false,
  });
  try {
    return await run(context.get(AccessService));
  } finally {
    await context.close();
  }
}

/** `workspaces create --name NAME`: one JSON object, the secrets shown this once. */
export async function workspacesCreateCommand(
  access: AccessService,
  name: string,
  out: (line: string) => void,
): Promise<number> {
  const { workspaceId, adminKey, scimToken } = await access.createWorkspace(name);
  out(JSON.stringify({ workspaceId, adminKey, scimToken }));
  return 0;
}

/** `workspaces list`: id, name and creation time of each, never a credential. */
export async function workspacesListCommand(
  access: AccessService,
  out: (line: string) => void,
): Promise<number> {
  out(JSON.stringify(await access.listWorkspaces()));
  return 0;
}
