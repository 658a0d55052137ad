import { headers } from "next/headers";
import { carriesServerToken, serverToken } from "@/lib/api/server-token";

/**
 * Tells a browser without the server token how to get in: it can read every page, but launching, pausing
 * and editing need the token (proxy.ts), and a silent 401 on the first click would be no explanation.
 */
export async function TokenNotice() {
  const server = serverToken();
  const requestHeaders = await headers();
  if (server && carriesServerToken(requestHeaders, server.token)) return null;
  return (
    <div role="alert" data-testid="token-notice" className="border-b border-amber-300 bg-amber-50">
      <p className="mx-auto max-w-7xl px-6 py-2 text-sm text-amber-900">
        <strong>Read-only in this browser:</strong> launching, pausing and editing need this server&apos;s token. Open the address the
        server printed when it started (it ends in <code>?token=…</code>), or add <code>?token=</code> and the token to this page&apos;s
        address{server ? (
          <>
            ; the token is in <code className="break-all">{server.file}</code>, readable only by the user running the server
          </>
        ) : null}
        .
      </p>
    </div>
  );
}
