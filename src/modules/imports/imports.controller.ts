import { createReadStream } from 'node:fs';
import {
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../common/auth/actor';
import { CurrentActor, Scopes } from '../../common/auth/decorators';
import {
  ContextQuery,
  ImportDetailView,
  ImportKindView,
  ImportPage,
  ImportQuery,
  ImportView,
  UploadBody,
} from './dto/imports.dto';
import { XLSX_CONTENT_TYPE } from './excel/template-writer';
import type { ReceivedFile } from './files/upload-store';
import { XlsxUploadInterceptor } from './files/upload.interceptor';
import { ImportsService } from './imports.service';

function attachment(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}

@ApiTags('imports')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Get('kinds')
  @Scopes('imports:read', 'imports:write')
  @ApiOperation({ summary: 'Import kinds the caller may use' })
  @ApiOkResponse({ type: [ImportKindView] })
  kinds(@CurrentActor() actor: Actor): ImportKindView[] {
    return this.imports.kinds(actor).map((k) => ImportKindView.of(k));
  }

  @Get('templates/:kind')
  @Scopes('imports:read', 'imports:write')
  @ApiOperation({ summary: 'Download the .xlsx template of an import kind' })
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'The template workbook' })
  async template(
    @CurrentActor() actor: Actor,
    @Param('kind') kind: string,
    @Query() query: ContextQuery,
  ): Promise<StreamableFile> {
    const { fileName, stream } = await this.imports.template(actor, kind, query.contextId);
    return new StreamableFile(stream, {
      type: XLSX_CONTENT_TYPE,
      disposition: attachment(fileName),
    });
  }

  @Post(':kind')
  @HttpCode(202)
  @Scopes('imports:write')
  @UseInterceptors(XlsxUploadInterceptor)
  @ApiOperation({
    summary: 'Upload a filled-in template; it is checked and imported in the background',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadBody })
  @ApiAcceptedResponse({ type: ImportView })
  async upload(
    @CurrentActor() actor: Actor,
    @Param('kind') kind: string,
    @Query() query: ContextQuery,
    @UploadedFile() file: ReceivedFile | undefined,
  ): Promise<ImportView> {
    return ImportView.of(await this.imports.upload(actor, kind, query.contextId, file));
  }

  @Get()
  @Scopes('imports:read', 'imports:write')
  @ApiOperation({ summary: "Imports of the caller's organisation (admins, auditors: their scope)" })
  @ApiOkResponse({ type: ImportPage })
  async list(@CurrentActor() actor: Actor, @Query() query: ImportQuery): Promise<ImportPage> {
    const result = await this.imports.list(actor, query);
    return { ...result, items: result.items.map((f) => ImportView.of(f)) };
  }

  @Get(':id')
  @Scopes('imports:read', 'imports:write')
  @ApiOkResponse({ type: ImportDetailView })
  async get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ImportDetailView> {
    return ImportDetailView.detail(await this.imports.get(actor, id));
  }

  @Get(':id/errors.xlsx')
  @Scopes('imports:read', 'imports:write')
  @ApiOperation({ summary: 'The uploaded rows with an error column, after failed validation' })
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'The error workbook' })
  async errors(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<StreamableFile> {
    const { path, fileName } = await this.imports.errorFile(actor, id);
    return new StreamableFile(createReadStream(path), {
      type: XLSX_CONTENT_TYPE,
      disposition: attachment(fileName),
    });
  }
}
