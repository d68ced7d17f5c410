import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor, hasRole } from '../../../common/auth/actor';
import { ORG_TYPES } from '../../../common/auth/roles';
import { Clock } from '../../../common/clock';
import { AuditService } from '../../audit/audit.service';
import type {
  CellValue,
  ImportColumn,
  ImportContext,
  ImportKind,
  NumberedRow,
  ParsedRow,
  RowProblem,
} from '../../imports/import-kind';
import {
  checkOrganisationBatch,
  OrganisationRow,
  parseOrganisationRow,
  PUBLIC_FLAG_VALUES,
} from '../domain/organisation-row';
import { Region } from '../regions/region.entity';
import { HOSPITAL_GRADES, HOSPITAL_KINDS, Organisation } from './organisation.entity';

const COLUMNS: readonly ImportColumn[] = [
  {
    key: 'code',
    header: '机构编码 Code',
    required: true,
    text: true,
    width: 18,
    help: '3–32 upper-case letters, digits or "-", e.g. H320102-001',
  },
  { key: 'name', header: '机构名称 Name', required: true, width: 36 },
  { key: 'type', header: '机构类型 Type', required: true, allowed: ORG_TYPES, width: 16 },
  {
    key: 'hospitalKind',
    header: '医疗机构类别 Hospital kind',
    required: false,
    allowed: HOSPITAL_KINDS,
    width: 22,
    help: 'Hospitals only',
  },
  {
    key: 'grade',
    header: '医院等级 Grade',
    required: false,
    allowed: HOSPITAL_GRADES,
    text: true,
    help: 'Hospitals only: 三级甲等 = 3A … ungraded = none',
  },
  {
    key: 'isPublic',
    header: '公立 Public',
    required: false,
    allowed: PUBLIC_FLAG_VALUES,
    help: 'Hospitals only; defaults to yes for public hospitals, no otherwise',
  },
  {
    key: 'regionCode',
    header: '行政区划代码 Region code',
    required: false,
    text: true,
    help: '6-digit administrative division code; required for hospitals and regional authorities',
  },
  {
    key: 'creditCode',
    header: '统一社会信用代码 Credit code',
    required: false,
    text: true,
    width: 24,
  },
  { key: 'contactName', header: '联系人 Contact name', required: false, width: 16 },
  { key: 'contactPhone', header: '联系电话 Contact phone', required: false, text: true },
];

/** `identity.organisations`: bulk creation of organisations by an admin (§C3). */
@Injectable()
export class OrganisationImportKind implements ImportKind<OrganisationRow> {
  readonly kind = 'identity.organisations';
  readonly version = 1;
  readonly title = '机构 Organisations';
  readonly sheetName = 'Organisations 机构';
  readonly columns = COLUMNS;
  readonly exampleRows: readonly Record<string, CellValue>[] = [
    {
      code: 'H320102-001',
      name: '南京市玄武区人民医院',
      type: 'hospital',
      hospitalKind: 'public_hospital',
      grade: '2A',
      isPublic: 'yes',
      regionCode: '320102',
      creditCode: '12320102466000001X',
      contactName: '王敏',
      contactPhone: '025-84400000',
    },
    {
      code: 'M-HENGRUI',
      name: '江苏恒瑞医药股份有限公司',
      type: 'manufacturer',
      hospitalKind: null,
      grade: null,
      isPublic: null,
      regionCode: '320700',
      creditCode: null,
      contactName: null,
      contactPhone: null,
    },
  ];

  constructor(
    @InjectRepository(Organisation) private readonly orgs: Repository<Organisation>,
    @InjectRepository(Region) private readonly regions: Repository<Region>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  allowed(actor: Actor): boolean {
    return actor.kind === 'user' && actor.orgType === 'authority' && hasRole(actor, 'admin');
  }

  parseRow(cells: Record<string, CellValue>): ParsedRow<OrganisationRow> {
    return parseOrganisationRow(cells);
  }

  async checkBatch(
    rows: NumberedRow<OrganisationRow>[],
    ctx: ImportContext,
    seen: Map<string, unknown>,
  ): Promise<Map<number, RowProblem[]>> {
    const codes = rows.map((r) => r.value.code);
    const creditCodes = rows.flatMap((r) => (r.value.creditCode ? [r.value.creditCode] : []));
    const regionCodes = [
      ...new Set(rows.flatMap((r) => (r.value.regionCode ? [r.value.regionCode] : []))),
    ];
    const [existing, existingCredit, regions] = await Promise.all([
      this.orgs.find({ select: { code: true }, where: { code: In(codes) } }),
      creditCodes.length
        ? this.orgs.find({ select: { creditCode: true }, where: { creditCode: In(creditCodes) } })
        : Promise.resolve([]),
      regionCodes.length
        ? this.regions.find({
            select: { code: true, path: true },
            where: { code: In(regionCodes) },
          })
        : Promise.resolve([]),
    ]);
    return checkOrganisationBatch(
      rows,
      {
        existingCodes: new Set(existing.map((o) => o.code)),
        existingCreditCodes: new Set(existingCredit.map((o) => o.creditCode!)),
        regionPaths: new Map(regions.map((r) => [r.code, r.path])),
      },
      ctx.actor,
      seen,
    );
  }

  async writeBatch(manager: EntityManager, rows: NumberedRow<OrganisationRow>[]): Promise<void> {
    const now = this.clock.now();
    await manager
      .createQueryBuilder()
      .insert()
      .into(Organisation)
      .values(
        rows.map(({ value: o }) => ({
          ...o,
          status: 'active' as const,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .updateEntity(false)
      .execute();
  }

  async finish(manager: EntityManager, ctx: ImportContext, rowCount: number): Promise<void> {
    await this.audit.record(
      manager,
      ctx.actor,
      'organisation.imported',
      { type: 'import', id: ctx.importId },
      { after: { count: rowCount } },
    );
  }
}
