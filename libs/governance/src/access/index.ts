export * from './access.service';
export * from './auth.guard';
export * from './credentials.projection';
export * from './access.module';
export * from './roles';
export * from './credential-index';
export * from './pepper';
export * from './route-roles';
