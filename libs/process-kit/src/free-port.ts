import { type AddressInfo, createServer } from 'node:net';

/** A TCP port nothing listens on right now (the kernel's pick), for a process about to bind it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
