import type { PopupResult } from '../core/responses.js';
import { StepUpError } from './step-up-error.js';

const POLL_MS = 500;

/**
 * Opens the step-up window; `null` when the browser blocked it. The browser places it (near the
 * opener): centring it by hand cost more of the 4 KB client budget than it was worth.
 */
export function openPopup(url: string): Window | null {
  return window.open(url, 'authkit-stepup', 'popup,width=500,height=680');
}

/**
 * Settles when the popup reports: resolves on success, rejects with the callback's code on
 * failure, or with `step_up_cancelled` once the window is closed without a report.
 */
export function popupResult(popup: Window): Promise<void> {
  return new Promise((resolve, reject) => {
    let closedOnce = false;

    const finish = (error?: StepUpError) => {
      window.removeEventListener('message', onMessage);
      clearInterval(poll);
      if (error) reject(error);
      else resolve();
    };

    // Any window can post to us; only our own origin's callback page may settle a step-up. It
    // always names the code of a failure; a report without one is not its and is ignored (closing
    // the window then reads as a cancel).
    const onMessage = (event: MessageEvent) => {
      const data = event.data as PopupResult | null;
      if (event.origin !== location.origin || data?.type !== 'authkit-stepup:result') return;
      if (data.ok === true) finish();
      else if (typeof data.code === 'string') finish(new StepUpError(data.code, String(data.message ?? 'The step-up was not confirmed.')));
    };

    // The callback posts and then closes itself; allow one more poll for that message to land
    // before reading "closed" as the user giving up.
    const poll = setInterval(() => {
      if (!popup.closed) return;
      if (closedOnce) finish(new StepUpError('step_up_cancelled', 'The confirmation window was closed.'));
      closedOnce = true;
    }, POLL_MS);

    window.addEventListener('message', onMessage);
  });
}
