import { Controller, Get, Inject, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../../common/auth/decorators';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { JobQueue } from '../../jobs/job-queue';
import { REDIS } from '../../jobs/jobs.module';

class CheckView {
  @ApiProperty({ enum: ['up', 'down', 'disabled'] }) status!: 'up' | 'down' | 'disabled';
  @ApiProperty({ required: false }) detail?: string;
  @ApiProperty({ required: false }) ms?: number;
}

class QueueView {
  @ApiProperty() waiting!: number;
  @ApiProperty() active!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Age of the oldest waiting job (queue lag)',
  })
  oldestWaitingMs!: number | null;
}

class HealthView {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: 'ok' | 'degraded';
  @ApiProperty({ enum: ['embedded', 'production'] }) mode!: string;
  @ApiProperty({ type: CheckView }) database!: CheckView;
  @ApiProperty({ type: CheckView }) redis!: CheckView;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(QueueView) } })
  queues!: Record<string, QueueView>;
}

async function timed(check: () => Promise<unknown>): Promise<CheckView> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out after 2 s')), 2000);
      }),
    ]);
    return { status: 'up', ms: Date.now() - started };
  } catch (err) {
    return { status: 'down', detail: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('health')
@ApiExtraModels(QueueView)
@Controller('health')
export class HealthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    @Inject(REDIS) private readonly redis: IORedis | null,
  ) {}

  /** 200 when the database (and Redis, when configured) answer; 503 otherwise. */
  @Public()
  @Get()
  @ApiOkResponse({ type: HealthView })
  @ApiServiceUnavailableResponse({ type: HealthView })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthView> {
    const redis = this.redis;
    const [database, redisCheck] = await Promise.all([
      timed(() => this.dataSource.query('SELECT 1')),
      redis ? timed(() => redis.ping()) : Promise.resolve<CheckView>({ status: 'disabled' }),
    ]);
    let queues: Record<string, QueueView> = {};
    if (redisCheck.status !== 'down') {
      try {
        queues = await this.jobs.stats();
      } catch {
        queues = {};
      }
    }
    const ok = database.status === 'up' && redisCheck.status !== 'down';
    res.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'degraded',
      mode: this.config.redisUrl ? 'production' : 'embedded',
      database,
      redis: redisCheck,
      queues,
    };
  }
}
