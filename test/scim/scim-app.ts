import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { EventStore, type Position, type RecordedEvent } from '@app/eventstore';
import {
  AccessModule,
  AccessService,
  ApiKeyGuard,
  credentialsProjection,
  ScimTokenGuard,
} from '@app/governance/access';
import {
  configureScimHttp,
  DirectoryModule,
  directoryProjections,
} from '@app/governance/directory';
import { AppConfigModule, PersistenceModule, ProjectionsModule } from '@app/infrastructure';

export const SCIM_TOKEN = 'test-scim-token';
export const ADMIN_KEY = 'test-admin-key';

/**
 * Whether the bearer guards declare their constructor's parameter types. They inherit their
 * constructor from an undecorated abstract class, which gets no `design:paramtypes`, so Nest
 * injects nothing and every authenticated request fails with a 500. Recorded before the
 * stand-in below, so that a test can report it while the rest of the suite still runs.
 */
export const bearerGuardsInjectable = [ScimTokenGuard, ApiKeyGuard].every(
  (guard) => Reflect.getMetadata('design:paramtypes', guard) !== undefined,
);
if (!bearerGuardsInjectable) {
  for (const guard of [ScimTokenGuard, ApiKeyGuard]) {
    Reflect.defineMetadata('design:paramtypes', [AccessService], guard);
  }
}

export interface Reply {
  status: number;
  contentType: string;
  headers: Headers;
  body: any;
}

/** A real Nest app on a free port, with its own data directory, as main.ts would set it up. */
export class ScimApp {
  private constructor(
    readonly app: NestExpressApplication,
    readonly baseUrl: string,
    private readonly dataDir: string,
  ) {}

  static async start(): Promise<ScimApp> {
    const dataDir = mkdtempSync(join(tmpdir(), 'scim-e2e-'));
    process.env.DATA_DIR = dataDir;
    process.env.EVENTSTORE_URL = '';
    process.env.MONGO_URL = '';
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppConfigModule,
        PersistenceModule,
        ProjectionsModule.forRoot({
          projections: [credentialsProjection, ...directoryProjections],
          run: true,
        }),
        AccessModule,
        DirectoryModule,
      ],
    }).compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'] });
    configureScimHttp(app);
    app.useGlobalPipes(
      new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
    );
    await app.init();
    await app.get(AccessService).bootstrap({ scimToken: SCIM_TOKEN, adminApiKey: ADMIN_KEY });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return new ScimApp(app, `http://127.0.0.1:${port}`, dataDir);
  }

  async stop(): Promise<void> {
    await this.app.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async request(
    method: string,
    path: string,
    options: { body?: unknown; raw?: string; token?: string | null; contentType?: string } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = {};
    const token =
      options.token === undefined
        ? path.startsWith('/api')
          ? ADMIN_KEY
          : SCIM_TOKEN
        : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const body =
      options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined)
      headers['content-type'] = options.contentType ?? 'application/scim+json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      headers: response.headers,
      body: text ? JSON.parse(text) : null,
    };
  }

  scim(
    method: string,
    path: string,
    options: Parameters<ScimApp['request']>[2] = {},
  ): Promise<Reply> {
    return this.request(method, `/scim/v2${path}`, options);
  }

  headPosition(): Promise<Position | null> {
    return this.app.get(EventStore).headPosition();
  }

  stream(identityId: string): Promise<RecordedEvent[]> {
    return this.app.get(EventStore).readStream(`identity-${identityId}`);
  }
}
