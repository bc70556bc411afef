/** Workflow entry points registered with the worker. */
export { release } from './release';
export { environmentLock } from './environmentLock';
export { planLive } from './planLive';
