import { useEffect } from 'react';
import { useBlocker } from 'react-router';

/**
 * Leaving a form with unsaved changes asks first: inside the app (links, back button) through the
 * router's blocker, and when closing or reloading the tab through the browser's own prompt.
 */
export function useUnsavedChangesGuard(dirty: boolean, message = 'You have changes that are not saved. Leave and lose them?'): void {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);

  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    // A plain confirm keeps this dependency-free and is what screen readers announce reliably.
    if (window.confirm(message)) blocker.proceed();
    else blocker.reset();
  }, [blocker, message]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
}

/**
 * The same rule for a dialog: closing it (Escape, the ×, Cancel, a click outside) with typed changes
 * asks first. Closing after a save calls the dialog's own onClose and is never asked about.
 */
export function useConfirmedClose(dirty: boolean, onClose: () => void, message = 'Discard the changes you typed?'): () => void {
  return () => {
    if (dirty && !window.confirm(message)) return;
    onClose();
  };
}
