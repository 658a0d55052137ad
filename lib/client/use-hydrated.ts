"use client";
import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * Whether React has hydrated this page: false in the server's HTML and during
 * hydration, true after. Controls that do nothing without React (buttons,
 * forms whose submit React intercepts) render disabled until then, so an
 * early click waits instead of being lost or submitting the form natively.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
