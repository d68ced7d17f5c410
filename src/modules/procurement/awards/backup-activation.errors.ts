import { errorFactory } from '../../../common/errors/domain-error';

/** §K5 backup-supplier activation, as procurement (the owner of agreements) refuses it. */
export const BACKUP_ACTIVATION_ERRORS = {
  // The lot has no supply region with this code (no hospital of the region took part).
  SUPPLY_REGION_NOT_FOUND: 404,
  // Every backup of the region has already failed or taken over: nobody is left to activate.
  NO_BACKUP_AVAILABLE: 409,
  // The chosen bid is not a backup of the region, or it is the supplier being replaced.
  BACKUP_NOT_ELIGIBLE: 409,
  // The round's agreements are no longer in force (completed or cancelled round).
  AGREEMENTS_NOT_ACTIVE: 409,
} as const;

export type BackupActivationErrorCode = keyof typeof BACKUP_ACTIVATION_ERRORS;
export const backupActivationError = errorFactory<BackupActivationErrorCode>(
  'PROCUREMENT',
  BACKUP_ACTIVATION_ERRORS,
);
