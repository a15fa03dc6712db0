/**
 * The public surface every socket class shares, declared once: the option properties
 * (from the option table) and send / trySend / receive / tryReceive / async iteration.
 * They are installed on SocketBase's prototype; each class's interface declares only
 * the ones its type has (a SUB's interface has no `send`; at run time it throws ENOTSUP).
 */
import { ZmqError } from "../errors.js";
import type { Message, MessageLike } from "../message.js";
import { optionDescriptors, type OptionName } from "../options/descriptors.js";
import type { SocketBase } from "./socket-base.js";

/** A socket that can send. */
export interface Writable {
  /**
   * Sends one message (a frame or an array of frames, sent atomically). Resolves once the
   * message is queued; waits while the socket is at its high-water mark (in call order, with
   * other waiting sends); rejects with EAGAIN after `sendTimeout`.
   */
  send(message: MessageLike): Promise<void>;
  /** Sends without waiting (ZMQ_DONTWAIT): true if queued, false if it would block. */
  trySend(message: MessageLike): boolean;
}

/** A socket that can receive. */
export interface Readable extends AsyncIterable<Message> {
  /** Receives one whole message (all its frames). Waits for one; rejects with EAGAIN after `receiveTimeout`. */
  receive(): Promise<Message>;
  /** Receives without waiting (ZMQ_DONTWAIT): the message, or undefined if none is queued. */
  tryReceive(): Message | undefined;
}

/** Installs the shared surface on SocketBase's prototype (called once, by socket-base). */
export function installSurface(prototype: SocketBase): void {
for (const name of Object.keys(optionDescriptors)) {
  Object.defineProperty(prototype, name, {
    configurable: true,
    enumerable: false,
    get(this: SocketBase) {
      return this.option(name as OptionName);
    },
    set(this: SocketBase, value: unknown) {
      this.setOptionValue(name, value);
    },
  });
}

Object.defineProperties(prototype, {
  send: {
    value(this: SocketBase, message: MessageLike) {
      return this.sendMessage(message);
    },
  },
  trySend: {
    value(this: SocketBase, message: MessageLike) {
      return this.trySendMessage(message);
    },
  },
  receive: {
    value(this: SocketBase) {
      return this.receiveMessage();
    },
  },
  tryReceive: {
    value(this: SocketBase) {
      return this.tryReceiveMessage();
    },
  },
  [Symbol.asyncIterator]: {
    value(this: SocketBase): AsyncIterator<Message> {
      return {
        next: async () => {
          if (this.closed) return { value: undefined, done: true };
          try {
            return { value: await this.receiveMessage(), done: false };
          } catch (error) {
            if (error instanceof ZmqError && (error.code === "ENOTSOCK" || error.code === "ETERM")) {
              return { value: undefined, done: true };
            }
            throw error;
          }
        },
        return: async () => ({ value: undefined, done: true }),
      };
    },
  },
});
}
