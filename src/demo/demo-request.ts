import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';

/** Every failed constraint, nested ones under their dotted path (`timeline.openingAt: …`). */
function problems(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = `${prefix}${e.property}`;
    return [
      ...Object.values(e.constraints ?? {}).map((c) => `${path}: ${c}`),
      ...problems(e.children ?? [], `${path}.`),
    ];
  });
}

/** Builds a request DTO and checks it with the same rules the API applies. */
export async function dto<T extends object>(cls: new () => T, plain: object): Promise<T> {
  const instance = plainToInstance(cls, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length)
    throw new Error(`demo data for ${cls.name} is invalid: ${problems(errors).join('; ')}`);
  return instance;
}
