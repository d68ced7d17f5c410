import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { Actor } from './actor';
import { ApiScope, Role } from './roles';

export const PUBLIC_KEY = 'jicai:public';
export const ROLES_KEY = 'jicai:roles';
export const SCOPES_KEY = 'jicai:scopes';

/** No login needed (health, login, public disclosure). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Users need one of these roles. Without @Roles any logged-in user may call the route. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** API keys need one of these scopes; a route without @Scopes refuses API keys. */
export const Scopes = (...scopes: ApiScope[]) => SetMetadata(SCOPES_KEY, scopes);

export type AuthedRequest = Request & { actor?: Actor; requestId?: string };

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<AuthedRequest>().actor;
  if (!actor) throw new Error('CurrentActor used on a public route');
  return actor;
});
