import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Pure definitions: workflows import these to upsert attributes, so nothing here may do I/O.
// Operators find any run in the Temporal UI with queries like `AccountNumber = "MT00123"`.
export const TenantId = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const CustomerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const AccountNumber = defineSearchAttributeKey('AccountNumber', SearchAttributeType.KEYWORD);
export const Phone = defineSearchAttributeKey('Phone', SearchAttributeType.KEYWORD);
export const LifecycleStage = defineSearchAttributeKey('LifecycleStage', SearchAttributeType.KEYWORD);
export const RouterId = defineSearchAttributeKey('RouterId', SearchAttributeType.KEYWORD);
/** When the customer's paid period ends: `ExpiresAt < "2026-12-01T00:00:00Z"` lists who lapses before December. */
export const ExpiresAt = defineSearchAttributeKey('ExpiresAt', SearchAttributeType.DATETIME);

export const searchAttributeKeys = [TenantId, CustomerId, AccountNumber, Phone, LifecycleStage, RouterId, ExpiresAt];

/** `--search-attribute Name=Type` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  return searchAttributeKeys.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeName(key.type)}`]);
}

function cliTypeName(type: SearchAttributeType): string {
  const names: Record<SearchAttributeType, string> = {
    [SearchAttributeType.TEXT]: 'Text',
    [SearchAttributeType.KEYWORD]: 'Keyword',
    [SearchAttributeType.INT]: 'Int',
    [SearchAttributeType.DOUBLE]: 'Double',
    [SearchAttributeType.BOOL]: 'Bool',
    [SearchAttributeType.DATETIME]: 'Datetime',
    [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
  };
  return names[type];
}
