/** The four search attributes operators filter releases by. Pure: imported by the workflow. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const LockstepReleaseId = defineSearchAttributeKey('LockstepReleaseId', SearchAttributeType.KEYWORD);
export const LockstepEnvironment = defineSearchAttributeKey('LockstepEnvironment', SearchAttributeType.KEYWORD);
export const LockstepServices = defineSearchAttributeKey('LockstepServices', SearchAttributeType.KEYWORD_LIST);
export const LockstepStatus = defineSearchAttributeKey('LockstepStatus', SearchAttributeType.KEYWORD);

/** As `temporal server start-dev --search-attribute Name=Type` wants them. */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword' | 'KeywordList'> = {
  LockstepReleaseId: 'Keyword',
  LockstepEnvironment: 'Keyword',
  LockstepServices: 'KeywordList',
  LockstepStatus: 'Keyword',
};

/**
 * Temporal limits one search attribute value (2 KiB by default), so a release of hundreds of
 * services lists as many names as fit, in the given order. Pure.
 */
export function servicesSearchValue(names: readonly string[], maxBytes = 2000): string[] {
  const kept: string[] = [];
  let size = 2; // the JSON brackets
  for (const name of names) {
    const add = name.length + 3; // quotes and comma (names are ASCII by the schema)
    if (size + add > maxBytes) break;
    kept.push(name);
    size += add;
  }
  return kept;
}
