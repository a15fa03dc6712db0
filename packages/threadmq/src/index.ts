export { ZmqError } from "./errors.js";
