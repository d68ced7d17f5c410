/**
 * Shapes of the national insurance codes and of UDI device identifiers. Codes are compared
 * upper-case without surrounding blanks, so input is normalised before it is checked.
 */

export function normaliseCode(raw: string): string {
  return raw.trim().toUpperCase();
}

/** 医保药品代码: 20–30 letters and digits; western medicines start with X, Chinese patent medicines with Z. */
const DRUG_CODE = /^[XZ][A-Z0-9]{19,29}$/;
/** 医保耗材代码: C followed by letters and digits, 20–27 characters in all. */
const CONSUMABLE_CODE = /^C[A-Z0-9]{19,26}$/;
/** UDI-DI: 8–23 letters and digits (GS1 GTIN, HIBCC, ICCBBA, MA codes). */
const UDI_DI = /^[A-Z0-9]{8,23}$/;

/** Problem with a normalised drug insurance code, or null. */
export function drugCodeProblem(code: string): string | null {
  if (DRUG_CODE.test(code)) return null;
  return `code must be a national insurance drug code: 20–30 letters and digits starting with X or Z, got "${code}"`;
}

/** Problem with a normalised consumable insurance code, or null. */
export function consumableCodeProblem(code: string): string | null {
  if (CONSUMABLE_CODE.test(code)) return null;
  return `code must be a national insurance consumable code: 20–27 letters and digits starting with C, got "${code}"`;
}

/**
 * GS1 check digit of a GTIN (8, 12, 13 or 14 digits): weights 3 and 1 alternate from the digit
 * next to the check digit leftwards.
 */
export function gs1CheckDigit(digitsWithoutCheck: string): number {
  let sum = 0;
  for (let i = 0; i < digitsWithoutCheck.length; i++) {
    const fromRight = digitsWithoutCheck.length - 1 - i;
    sum += Number(digitsWithoutCheck[i]) * (fromRight % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidGtin14(gtin: string): boolean {
  return /^\d{14}$/.test(gtin) && gs1CheckDigit(gtin.slice(0, 13)) === Number(gtin[13]);
}

/** Problem with a normalised UDI-DI, or null. A 14-digit DI is a GTIN-14 and must carry its check digit. */
export function udiProblem(udi: string): string | null {
  if (!UDI_DI.test(udi))
    return `udi must be a UDI device identifier of 8–23 letters and digits, got "${udi}"`;
  if (/^\d{14}$/.test(udi) && !isValidGtin14(udi))
    return `udi ${udi} is a GTIN-14 with a wrong check digit (expected ${gs1CheckDigit(udi.slice(0, 13))})`;
  return null;
}
