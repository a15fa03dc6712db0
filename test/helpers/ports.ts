/** Free tcp ports from the OS, for programs that take a fixed port rather than port 0. */
import * as net from "node:net";

/** A port nobody listens on right now (the OS picks it, so tests running at once differ). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `tcp://127.0.0.1:<free port>`. */
export async function freeEndpoint(): Promise<string> {
  return `tcp://127.0.0.1:${await freePort()}`;
}
