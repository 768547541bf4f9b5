// Talking to the simulator as any client would: the `xmlrpc` package over real HTTP, or raw bytes.
import xmlrpc from 'xmlrpc';

export function xmlrpcCall(url: string, path: string, method: string, params: unknown[]): Promise<unknown> {
  const client = xmlrpc.createClient({ url: `${url}${path}` });
  return new Promise((resolve, reject) => {
    client.methodCall(method, params, (err: unknown, value: unknown) => (err ? reject(err) : resolve(value)));
  });
}

export interface XmlRpcFault extends Error {
  faultCode: number;
  faultString: string;
}

export async function expectFault(p: Promise<unknown>): Promise<XmlRpcFault> {
  try {
    await p;
  } catch (e) {
    if (e && typeof e === 'object' && 'faultCode' in e) return e as XmlRpcFault;
    throw e;
  }
  throw new Error('expected an XML-RPC fault');
}

export async function postRaw(url: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'Content-Type': 'text/xml', ...headers } });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
