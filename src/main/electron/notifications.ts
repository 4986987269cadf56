/** Desktop notifications for finished and failed generations, batched (see notice-batch.ts). */
import { Notification } from 'electron';
import type { ContractEvent } from '../../shared/ipc/contract';
import { createNoticeBatcher } from './notice-batch';

export function notifyGenerations(onEvent: (listener: (event: ContractEvent) => void) => () => void, onClick: () => void): () => void {
  const batcher = createNoticeBatcher((notice) => {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title: notice.title, body: notice.body, silent: true });
    notification.on('click', onClick);
    notification.show();
  });
  const stop = onEvent((event) => {
    if (event.name === 'generation.done') batcher.done(event.payload.item.presetName);
    if (event.name === 'generation.failed') batcher.failed(event.payload.presetName, event.payload.error.userMessage);
  });
  return () => {
    stop();
    batcher.flush();
  };
}
