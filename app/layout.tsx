import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Providers } from "./providers";
import { TokenNotice } from "./token-notice";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Hypersieve", template: "%s · Hypersieve" },
  description: "Hyperparameter optimization studio: correlation sieve, learning-curve race, warm starts.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex h-14 max-w-7xl items-center justify-between px-6">
            <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight text-slate-900" data-testid="nav-home">
              <span aria-hidden className="grid size-7 place-items-center rounded-md bg-indigo-600 text-sm font-bold text-white">
                H
              </span>
              Hypersieve
            </Link>
            <nav className="flex items-center gap-4 text-sm">
              <Link href="/" className="text-slate-600 hover:text-slate-900">
                Studies
              </Link>
              <Link
                href="/studies/new"
                className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white shadow-sm hover:bg-indigo-500"
                data-testid="nav-new-study"
              >
                New study
              </Link>
            </nav>
          </div>
        </header>
        <TokenNotice />
        <Providers>
          <main className="mx-auto max-w-7xl px-6 py-8">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
