/** Task queues are constants shared by workers and clients so the two can never drift. */
export const CORE_TASK_QUEUE = 'mtandao-core';
