import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { ApiKeysService } from './api-keys.service';
import {
  ApiKeyPage,
  ApiKeyQuery,
  ApiKeyView,
  CreateApiKeyRequest,
  CreatedApiKeyView,
} from './dto/api-key.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOkResponse({ type: ApiKeyPage, description: 'Keys of organisations in your data scope' })
  async list(@CurrentActor() actor: Actor, @Query() query: ApiKeyQuery): Promise<ApiKeyPage> {
    const result = await this.keys.list(actor, query);
    return { ...result, items: result.items.map((k) => ApiKeyView.of(k.key, k.state)) };
  }

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateApiKeyRequest,
  ): Promise<CreatedApiKeyView> {
    const { key, state, secret } = await this.keys.create(actor, body);
    return { ...ApiKeyView.of(key, state), key: secret };
  }

  @Delete(':id')
  @Roles('admin')
  @ApiOkResponse({ type: ApiKeyView, description: 'The revoked key' })
  async revoke(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ApiKeyView> {
    const { key, state } = await this.keys.revoke(actor, id);
    return ApiKeyView.of(key, state);
  }
}
