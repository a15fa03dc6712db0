/**
 * Transport: how an endpoint scheme turns bind/connect into pipes. A transport
 * knows nothing of routing; it hands each new pipe to `SocketCore.attachPipe`.
 */
import type { Endpoint } from "../endpoint.js";
import type { MonitorEvent } from "../monitor.js";
import type { OptionName, OptionValue } from "../options/descriptors.js";
import type { Pipe } from "../pipe/pipe.js";
import type { SocketType } from "../socket/socket-type.js";

/** What a transport sees of a socket. */
export interface SocketCore {
  readonly type: SocketType;
  readonly closed: boolean;
  option(name: OptionName): OptionValue;
  /** Hands a live pipe to the socket; `origin` is the bind/connect that made it. */
  attachPipe(pipe: Pipe, origin: EndpointHandle): void;
  emit(event: MonitorEvent): void;
}

/** A live bind or connect, closed by unbind/disconnect/close. */
export interface EndpointHandle {
  /** The endpoint as the user should see it (port resolved for tcp://…:0). */
  readonly address: string;
  /** Stops listening / reconnecting. Pipes are terminated by the socket itself. */
  close(): void;
}

export interface Transport {
  bind(socket: SocketCore, endpoint: Endpoint): Promise<EndpointHandle>;
  connect(socket: SocketCore, endpoint: Endpoint): EndpointHandle;
}
