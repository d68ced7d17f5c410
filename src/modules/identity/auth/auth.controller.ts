import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Public, Scopes } from '../../../common/auth/decorators';
import { AuthService } from './auth.service';
import { ChangePasswordRequest, LoginRequest, LoginResponse, MeView } from './dto/auth.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponse })
  login(@Body() body: LoginRequest, @Req() req: Request): Promise<LoginResponse> {
    return this.auth.login(body.username, body.password, req.ip ?? 'unknown');
  }

  @Get('me')
  @ApiBearerAuth()
  @Scopes('catalog:read', 'organisations:read', 'imports:read', 'imports:write')
  @ApiOkResponse({ type: MeView })
  me(@CurrentActor() actor: Actor): Promise<MeView> {
    return this.auth.meOf(actor);
  }

  @Post('password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse()
  changePassword(@CurrentActor() actor: Actor, @Body() body: ChangePasswordRequest): Promise<void> {
    return this.auth.changePassword(actor, body.currentPassword, body.newPassword);
  }
}
