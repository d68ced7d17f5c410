import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageOf, PageQuery } from '../../../common/pagination';
import { CONTEXT_ID_MESSAGE, CONTEXT_ID_PATTERN } from '../domain/import-access';
import { NumberedProblem } from '../domain/workbook-rules';
import { ImportColumn, ImportKind } from '../import-kind';
import { IMPORT_STATUSES, ImportFile, ImportStatus } from '../import-file.entity';

export class ContextQuery {
  @ApiPropertyOptional({
    description: "The template's context (a round id for round templates); omit for global kinds",
    example: '17',
  })
  @IsOptional()
  @Matches(CONTEXT_ID_PATTERN, { message: CONTEXT_ID_MESSAGE })
  contextId?: string;
}

export class ImportQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'identity.organisations' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  kind?: string;

  @ApiPropertyOptional({ enum: IMPORT_STATUSES })
  @IsOptional()
  @IsIn(IMPORT_STATUSES)
  status?: ImportStatus;
}

export class UploadBody {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      'The filled-in .xlsx template, or for kinds whose `formats` include csv a UTF-8 .csv whose first row is the template header labels',
  })
  file!: unknown;
}

export class ImportColumnView {
  @ApiProperty({ example: 'code' }) key!: string;
  @ApiProperty({ example: '机构编码 Code' }) header!: string;
  @ApiProperty() required!: boolean;
  @ApiPropertyOptional() help?: string;
  @ApiPropertyOptional({ type: [String] }) allowed?: string[];
  @ApiProperty({ description: 'Kept as text (codes with leading zeros)' }) text!: boolean;

  static of(c: ImportColumn): ImportColumnView {
    return {
      key: c.key,
      header: c.header,
      required: c.required,
      ...(c.help ? { help: c.help } : {}),
      ...(c.allowed ? { allowed: [...c.allowed] } : {}),
      text: c.text ?? false,
    };
  }
}

export class ImportKindView {
  @ApiProperty({ example: 'identity.organisations' }) kind!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'Name of the data sheet' }) sheetName!: string;
  @ApiProperty({ description: 'Whether templates of this kind need a contextId' })
  contextRequired!: boolean;
  @ApiProperty({ example: 'GET /api/v1/imports/templates/identity.organisations' })
  template!: string;
  @ApiProperty({ type: [ImportColumnView] }) columns!: ImportColumnView[];
  @ApiProperty({ type: [String], example: ['xlsx', 'csv'], description: 'Accepted upload formats' })
  formats!: string[];

  static of(k: ImportKind): ImportKindView {
    return {
      kind: k.kind,
      version: k.version,
      title: k.title,
      sheetName: k.sheetName,
      contextRequired: k.checkContext !== undefined,
      template: `GET /api/v1/imports/templates/${k.kind}`,
      columns: k.columns.map((c) => ImportColumnView.of(c)),
      formats: k.csv ? ['xlsx', 'csv'] : ['xlsx'],
    };
  }
}

export class ImportProblemView {
  @ApiProperty({ description: 'Excel row number' }) row!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Column key, null for the row' })
  column!: string | null;
  @ApiProperty() message!: string;
}

export class ImportView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'identity.organisations' }) kind!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'Empty for kinds without a context' }) contextId!: string;
  @ApiProperty() sha256!: string;
  @ApiProperty() originalName!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty({ enum: IMPORT_STATUSES }) status!: ImportStatus;
  @ApiProperty({ description: 'Data rows read from the workbook' }) rowsTotal!: number;
  @ApiProperty() rowsWritten!: number;
  @ApiProperty({ description: 'Problems found, all counted' }) errorCount!: number;
  @ApiProperty() errorFileAvailable!: boolean;
  @ApiProperty({ nullable: true, type: String, example: '/api/v1/imports/5/errors.xlsx' })
  errorFileUrl!: string | null;
  @ApiProperty({ nullable: true, type: String }) message!: string | null;
  @ApiProperty({ enum: ['user', 'api_key'] }) uploadedByKind!: string;
  @ApiProperty({ description: 'User or API-key id' }) uploadedBy!: string;
  @ApiProperty() uploadedByName!: string;
  @ApiProperty() organisationId!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Process that ran the job: "api:<host>:<pid>" or "worker:<host>:<pid>"',
  })
  executedBy!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;

  static of(f: ImportFile): ImportView {
    return {
      id: f.id,
      kind: f.kind,
      version: f.version,
      contextId: f.contextId,
      sha256: f.sha256,
      originalName: f.originalName,
      sizeBytes: f.sizeBytes,
      status: f.status,
      rowsTotal: f.rowsTotal,
      rowsWritten: f.rowsWritten,
      errorCount: f.errorCount,
      errorFileAvailable: f.errorFileAvailable,
      errorFileUrl: f.errorFileAvailable ? `/api/v1/imports/${f.id}/errors.xlsx` : null,
      message: f.message,
      uploadedByKind: f.uploadedByKind,
      uploadedBy: f.uploadedBy,
      uploadedByName: f.uploadedByName,
      organisationId: f.organisationId,
      executedBy: f.executedBy,
      createdAt: f.createdAt.toISOString(),
      startedAt: f.startedAt?.toISOString() ?? null,
      finishedAt: f.finishedAt?.toISOString() ?? null,
    };
  }
}

export class ImportDetailView extends ImportView {
  @ApiProperty({
    type: [ImportProblemView],
    description: 'The first problems found (all of them are in the error workbook)',
  })
  problems!: ImportProblemView[];

  static detail(f: ImportFile): ImportDetailView {
    const problems = f.problemsJson ? (JSON.parse(f.problemsJson) as NumberedProblem[]) : [];
    return { ...ImportView.of(f), problems };
  }
}

export class ImportPage extends PageOf(ImportView) {}
