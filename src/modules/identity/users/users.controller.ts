import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import {
  CreatedUserView,
  CreateUserRequest,
  PasswordResetView,
  UpdateUserRequest,
  UserPage,
  UserQuery,
  UserView,
} from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** Auditors read everything (§1), including who holds which role. */
  @Get()
  @Roles('admin', 'auditor')
  @ApiOkResponse({ type: UserPage, description: 'Users of organisations in your data scope' })
  async list(@CurrentActor() actor: Actor, @Query() query: UserQuery): Promise<UserPage> {
    const result = await this.users.list(actor, query);
    return { ...result, items: result.items.map((u) => UserView.of(u.user, u.org)) };
  }

  @Get(':id')
  @Roles('admin', 'auditor')
  @ApiOkResponse({ type: UserView })
  async get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<UserView> {
    const { user, org } = await this.users.get(actor, id);
    return UserView.of(user, org);
  }

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: CreatedUserView })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateUserRequest,
  ): Promise<CreatedUserView> {
    const { user, org, initialPassword } = await this.users.create(actor, body);
    return {
      ...UserView.of(user, org),
      ...(initialPassword !== null ? { initialPassword } : {}),
    };
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: UserView })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: UpdateUserRequest,
  ): Promise<UserView> {
    const { user, org } = await this.users.update(actor, id, body);
    return UserView.of(user, org);
  }

  @Post(':id/reset-password')
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: PasswordResetView })
  resetPassword(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<PasswordResetView> {
    return this.users.resetPassword(actor, id);
  }
}
