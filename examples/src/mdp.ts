/**
 * mdp — the Majordomo Protocol's constants (guide chapter 4, RFC 7/MDP).
 */

/** This is the version of MDP/Client we implement */
export const MDPC_CLIENT = "MDPC01";
/** This is the version of MDP/Worker we implement */
export const MDPW_WORKER = "MDPW01";

/** MDP/Worker commands, as one-byte frames. */
export const MDPW_READY = "\x01";
export const MDPW_REQUEST = "\x02";
export const MDPW_REPLY = "\x03";
export const MDPW_HEARTBEAT = "\x04";
export const MDPW_DISCONNECT = "\x05";

/** For tracing. */
export const commandNames: Record<string, string> = {
  [MDPW_READY]: "READY",
  [MDPW_REQUEST]: "REQUEST",
  [MDPW_REPLY]: "REPLY",
  [MDPW_HEARTBEAT]: "HEARTBEAT",
  [MDPW_DISCONNECT]: "DISCONNECT",
};

/** Heartbeating, as the guide's broker and worker API use it. */
export const HEARTBEAT_LIVENESS = 3; // 3-5 is reasonable
export const HEARTBEAT_INTERVAL = 2500; // msecs
