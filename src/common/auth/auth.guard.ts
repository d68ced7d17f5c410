import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { commonError } from '../errors/domain-error';
import { ActorResolver } from './actor-resolver';
import { AuthedRequest, PUBLIC_KEY, ROLES_KEY, SCOPES_KEY } from './decorators';
import { Role } from './roles';

/**
 * Global guard: authenticates (Bearer token or X-Api-Key) and authorises by role or scope.
 * Data scope (which rows) is the services' job; this only decides who may call the route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: ActorResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();

    const header = req.header('authorization');
    const apiKey = req.header('x-api-key');
    let actor = null;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match)
        throw commonError('UNAUTHENTICATED', 'Authorization header must be "Bearer <token>"');
      actor = await this.resolver.fromAccessToken(match[1]);
      if (!actor) throw commonError('UNAUTHENTICATED', 'Access token is invalid or expired');
    } else if (apiKey) {
      actor = await this.resolver.fromApiKey(apiKey);
      if (!actor) throw commonError('UNAUTHENTICATED', 'API key is invalid or revoked');
    } else {
      throw commonError(
        'UNAUTHENTICATED',
        'Log in first: send "Authorization: Bearer <token>" or an X-Api-Key',
      );
    }
    req.actor = actor;

    if (actor.kind === 'api_key') {
      const scopes = this.reflector.getAllAndOverride<string[] | undefined>(SCOPES_KEY, targets);
      if (!scopes || !scopes.some((s) => actor.scopes.includes(s))) {
        throw commonError(
          'FORBIDDEN',
          scopes
            ? `This API key needs one of the scopes: ${scopes.join(', ')}`
            : 'This endpoint is not open to API keys',
        );
      }
      return true;
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !actor.roles.some((r) => roles.includes(r))) {
      throw commonError('FORBIDDEN', `This action needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}
