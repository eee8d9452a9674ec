import { ConditionalCheckFailedException } from '../adapters/dynamodb.ts';

/**
 * Named condition parts. Every conditional write in the store is composed from these, so the
 * reason a write can fail is readable at the call site: `all(exists, versionIs(3))`.
 */
export interface Condition {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

export const exists: Condition = {
  expression: 'attribute_exists(#pk)',
  names: { '#pk': 'pk' },
  values: {},
};

export const absent: Condition = {
  expression: 'attribute_not_exists(#pk)',
  names: { '#pk': 'pk' },
  values: {},
};

export const versionIs = (version: number): Condition => ({
  expression: '#version = :expectedVersion',
  names: { '#version': 'version' },
  values: { ':expectedVersion': version },
});

export const counterIs = (attribute: string, value: number): Condition => ({
  expression: `#${attribute} = :${attribute}Expected`,
  names: { [`#${attribute}`]: attribute },
  values: { [`:${attribute}Expected`]: value },
});

/** An attribute holds a value: `#status = :status`. */
/** The item has this attribute (any value), or has it not. */
export const attributeSet = (attribute: string): Condition => ({
  expression: `attribute_exists(#${attribute})`,
  names: { [`#${attribute}`]: attribute },
  values: {},
});
export const attributeUnset = (attribute: string): Condition => ({
  expression: `attribute_not_exists(#${attribute})`,
  names: { [`#${attribute}`]: attribute },
  values: {},
});

export const attributeIs = (attribute: string, value: unknown): Condition => ({
  expression: `#${attribute} = :${attribute}`,
  names: { [`#${attribute}`]: attribute },
  values: { [`:${attribute}`]: value },
});

/** An attribute holds one of the values: `#projectId IN (:projectId0, :projectId1)`. */
export const attributeIn = (attribute: string, values: readonly string[]): Condition => ({
  expression: `#${attribute} IN (${values.map((_, i) => `:${attribute}${i}`).join(', ')})`,
  names: { [`#${attribute}`]: attribute },
  values: Object.fromEntries(values.map((v, i) => [`:${attribute}${i}`, v])),
});

const joined = (operator: 'AND' | 'OR', parts: Condition[]): Condition => ({
  // A lone part stays bare: DynamoDB rejects redundant parentheses.
  expression:
    parts.length === 1
      ? (parts[0] as Condition).expression
      : parts.map((p) => `(${p.expression})`).join(` ${operator} `),
  names: Object.assign({}, ...parts.map((p) => p.names)),
  values: Object.assign({}, ...parts.map((p) => p.values)),
});

/** Every part holds. */
export const all = (...parts: Condition[]): Condition => joined('AND', parts);

/** The SDK parameters for a condition; omits empty maps, which DynamoDB rejects. */
export const toParams = (condition: Condition) => ({
  ConditionExpression: condition.expression,
  ExpressionAttributeNames: condition.names,
  ...(Object.keys(condition.values).length > 0
    ? { ExpressionAttributeValues: condition.values }
    : {}),
});

/** Runs one conditional write: true when it was applied, false when its condition failed. */
export const conditionally = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

/** An attribute is below a value (numbers, or ISO times as strings): `#attempts < :attemptsBelow`. */
export const below = (attribute: string, value: number | string): Condition => ({
  expression: `#${attribute} < :${attribute}Below`,
  names: { [`#${attribute}`]: attribute },
  values: { [`:${attribute}Below`]: value },
});

/**
 * The parameters of a conditional write: the condition, with the names and values of the write's
 * own update expression (if any) merged in. Empty maps are left out (DynamoDB rejects them).
 */
export const conditioned = (
  condition: Condition,
  update?: { names: Record<string, string>; values: Record<string, unknown> },
) => {
  const names = { ...update?.names, ...condition.names };
  const values = { ...update?.values, ...condition.values };
  return {
    ConditionExpression: condition.expression,
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
};

/** Any of the parts holds. */
export const any = (...parts: Condition[]): Condition => joined('OR', parts);

/** A numeric attribute is present and below a value: `#expiry < :expiryBelow`. */
export const numberBelow = (attribute: string, value: number): Condition => ({
  expression: `attribute_exists(#${attribute}) AND #${attribute} < :${attribute}Below`,
  names: { [`#${attribute}`]: attribute },
  values: { [`:${attribute}Below`]: value },
});
