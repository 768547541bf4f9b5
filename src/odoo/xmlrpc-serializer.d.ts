// The `xmlrpc` package's request serializer, used on its own (its client would also parse the response).
declare module 'xmlrpc/lib/serializer.js' {
  export function serializeMethodCall(method: string, params?: unknown[], encoding?: string): string;
}
