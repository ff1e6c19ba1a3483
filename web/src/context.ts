import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api.ts';
import type { Identity } from './identity.ts';

export interface App {
  api: Api;
  identity: Identity;
  /** polite announcements for screen readers (the visible notices carry the same words) */
  announce(text: string): void;
}

export const AppContext = createContext<App | null>(null);

export function useApp(): App {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp outside the app');
  return app;
}
