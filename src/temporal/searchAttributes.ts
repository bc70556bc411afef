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
